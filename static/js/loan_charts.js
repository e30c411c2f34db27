/* Charts of the customer's loan and account pages (issue 12), drawn with the vendored Chart.js
 * (static/vendor/chart.umd.min.js, no CDN):
 *
 * - loan page (templates/loans/_status.html): json_script "loan-chart-data"
 *   {labels, principal, interest, balance} -> stacked bars of each instalment's principal and
 *   interest with the balance left as a line on a second axis, canvas #loan-chart;
 * - statement page (templates/accounts/bank_statement.html): json_script
 *   "statement-chart-data" {labels, balance} -> the balance after each transaction, canvas
 *   #statement-chart.
 *
 * The loan chart is drawn again when the live part of the page is replaced
 * (live-status:final, static/js/live_status.js). Charts are kept on window.smartbankCharts.
 */
(function () {
  "use strict";

  const COLORS = { brand: "#0b4f6c", ok: "#1b7f3b", warn: "#a86400", muted: "#5f6b73" };
  const inr = new Intl.NumberFormat("en-IN", {
    style: "currency", currency: "INR", maximumFractionDigits: 0,
  });
  window.smartbankCharts = window.smartbankCharts || {};

  function data(id) {
    const source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function money(context) {
    return `${context.dataset.label}: ${inr.format(context.parsed.y)}`;
  }

  function drawLoan() {
    const canvas = document.getElementById("loan-chart");
    const series = data("loan-chart-data");
    if (!canvas || !series || typeof Chart === "undefined") return;
    if (window.smartbankCharts.loan) window.smartbankCharts.loan.destroy();
    window.smartbankCharts.loan = new Chart(canvas, {
      data: {
        labels: series.labels,
        datasets: [
          { type: "bar", label: "Principal", data: series.principal, backgroundColor: COLORS.brand, stack: "emi", yAxisID: "y" },
          { type: "bar", label: "Interest", data: series.interest, backgroundColor: COLORS.warn, stack: "emi", yAxisID: "y" },
          { type: "line", label: "Balance left", data: series.balance, borderColor: COLORS.ok, pointRadius: 0, yAxisID: "balance" },
        ],
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, ticks: { maxTicksLimit: 8 } },
          y: { stacked: true, title: { display: true, text: "Each instalment" }, ticks: { callback: (v) => inr.format(v) } },
          balance: { position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "Balance left" }, ticks: { callback: (v) => inr.format(v) } },
        },
        plugins: { tooltip: { callbacks: { label: money } } },
      },
    });
  }

  function drawStatement() {
    const canvas = document.getElementById("statement-chart");
    const series = data("statement-chart-data");
    if (!canvas || !series || typeof Chart === "undefined") return;
    window.smartbankCharts.statement = new Chart(canvas, {
      type: "line",
      data: {
        labels: series.labels,
        datasets: [{ label: "Balance", data: series.balance, borderColor: COLORS.brand, backgroundColor: "rgba(11, 79, 108, .12)", fill: true, stepped: true, pointRadius: 2 }],
      },
      options: {
        maintainAspectRatio: false,
        scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true, ticks: { callback: (v) => inr.format(v) } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: money } } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    drawLoan();
    drawStatement();
  });
  document.addEventListener("live-status:final", drawLoan);
})();
