/* Charts of the staff loan dashboard (templates/loans/dashboard.html).
 *
 * The page embeds each widget's data (json_script "dashboard-data": overview, regions,
 * countries, funnel, timeline, in the shapes of /api/v1/dashboard/*); the period selector
 * re-reads the timeline from the API with the staff member's session. Chart.js comes from
 * static/vendor/ (no CDN).
 */
(function () {
  "use strict";

  const COLORS = {
    brand: "#0b4f6c",
    ok: "#1b7f3b",
    bad: "#b3261e",
    warn: "#a86400",
    muted: "#5f6b73",
  };
  const PALETTE = ["#0b4f6c", "#1b7f3b", "#a86400", "#b3261e", "#6a4c93", "#1982c4",
                   "#8ac926", "#ff924c", "#5f6b73", "#c5283d"];

  function draw() {
    const source = document.getElementById("dashboard-data");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    Chart.defaults.font.family = '"DejaVu Sans", system-ui, sans-serif';
    Chart.defaults.maintainAspectRatio = false;
    const charts = {};

    charts.regions = new Chart(document.getElementById("chart-regions"), {
      type: "pie",
      data: {
        labels: data.regions.map((r) => r.region),
        datasets: [{
          data: data.regions.map((r) => r.total),
          backgroundColor: data.regions.map((_, i) => PALETTE[i % PALETTE.length]),
        }],
      },
      options: { plugins: { legend: { position: "right" } } },
    });

    // The region follows from the country (issue 12), so each country has one bar; only rows
    // stored with another region behind the services' back could give a country two: name
    // the region then.
    const seen = {};
    data.countries.forEach((c) => { seen[c.country] = (seen[c.country] || 0) + 1; });
    charts.countries = new Chart(document.getElementById("chart-countries"), {
      type: "bar",
      data: {
        labels: data.countries.map((c) => (seen[c.country] > 1 ? `${c.country} (${c.region})` : c.country)),
        datasets: [
          { label: "Approved", data: data.countries.map((c) => c.approved),
            backgroundColor: COLORS.ok },
          { label: "Rejected", data: data.countries.map((c) => c.rejected),
            backgroundColor: COLORS.bad },
          { label: "Pending", data: data.countries.map((c) => c.total - c.approved - c.rejected),
            backgroundColor: COLORS.muted },
        ],
      },
      options: {
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      },
    });

    charts.funnel = new Chart(document.getElementById("chart-funnel"), {
      type: "bar",
      data: {
        labels: data.funnel.map((s) => s.label),
        datasets: [{
          label: "Applications",
          data: data.funnel.map((s) => s.count),
          backgroundColor: [COLORS.brand, "#1982c4", "#6a4c93", COLORS.warn, COLORS.ok],
        }],
      },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true } },
      },
    });

    charts.timeline = new Chart(document.getElementById("chart-timeline"), {
      type: "line",
      data: timelineData(data.timeline),
      options: {
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });

    const select = document.getElementById("timeline-days");
    if (select) {
      select.addEventListener("change", () => reloadTimeline(select, charts.timeline));
    }
    // For tests and for anyone poking at the page from the console.
    window.loanDashboardCharts = charts;
  }

  function timelineData(timeline) {
    const line = (label, key, color) => ({
      label, data: timeline.map((d) => d[key]), borderColor: color, backgroundColor: color,
      cubicInterpolationMode: "monotone", pointRadius: timeline.length > 60 ? 0 : 2,
    });
    return {
      labels: timeline.map((d) => d.date),
      datasets: [
        line("Submitted", "total", COLORS.brand),
        line("Approved", "approved", COLORS.ok),
        line("Rejected", "rejected", COLORS.bad),
      ],
    };
  }

  async function reloadTimeline(select, chart) {
    const url = `${select.dataset.url}?days=${encodeURIComponent(select.value)}`;
    select.disabled = true;
    try {
      const response = await fetch(url, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      const body = await response.json();
      chart.data = timelineData(body.timeline);
      chart.update();
      select.dataset.loadedDays = select.value;
    } catch (error) {
      console.error("Could not load the timeline", error);
    } finally {
      select.disabled = false;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
