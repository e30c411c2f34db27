// Live status (issue 12): a status page's [data-live-status] region is re-read from its URL
// (a small HTML fragment rendered by the same template the page includes) every few seconds
// while the fragment says it is not final (data-final="false" on its root element), and
// replaced in place. The region itself carries aria-live="polite" so screen readers announce
// each stage as it completes. Polling stops once the fragment is final or after 10 minutes.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-live-status]").forEach((region) => {
    const url = region.getAttribute("data-live-status");
    const interval = Number(region.getAttribute("data-live-interval") || 2000);
    const started = Date.now();
    const isFinal = () => {
      const root = region.querySelector("[data-final]");
      return !root || root.getAttribute("data-final") === "true";
    };
    const poll = async () => {
      if (isFinal() || Date.now() - started > 600000) return;
      try {
        const response = await fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
        if (response.ok) {
          const html = await response.text();
          if (html !== region.innerHTML) region.innerHTML = html;
          if (isFinal()) {
            region.dispatchEvent(new CustomEvent("live-status:final", { bubbles: true }));
            return;
          }
        }
      } catch (error) {
        // The network dropped for a moment: try again at the next tick.
      }
      window.setTimeout(poll, interval);
    };
    window.setTimeout(poll, interval);
  });
});
