/* The loan form's EMI preview (issue 12, templates/loans/apply.html): as the amount, tenure or
 * product changes, GET the form's data-emi-url (loans:emi-preview, the project's own EMI
 * function at the product's rate) and show the EMI, the total interest and the total to repay
 * in #emi-preview, or the field errors the endpoint gives (400). Also shows the rules of the
 * chosen product ([data-product-rules]). Requests are debounced and a stale answer is dropped.
 */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form[data-emi-url]");
    const out = document.getElementById("emi-preview");
    if (!form || !out) return;
    const url = form.getAttribute("data-emi-url");
    const product = form.querySelector("[name=product]");
    const amount = form.querySelector("[name=loan_amount]");
    const tenure = form.querySelector("[name=tenure_months]");
    let timer = null;
    let sequence = 0;

    function showRules() {
      document.querySelectorAll("[data-product-rules]").forEach((block) => {
        block.hidden = product && block.getAttribute("data-product-rules") !== product.value;
      });
    }

    function show(state, html) {
      out.setAttribute("data-state", state);
      out.innerHTML = html;
    }

    async function update() {
      if (!amount.value || !tenure.value) {
        show("empty", "Enter an amount and a tenure to see your monthly instalment.");
        return;
      }
      const query = new URLSearchParams({ amount: amount.value, tenure: tenure.value });
      if (product && product.value) query.set("product", product.value);
      const mine = ++sequence;
      try {
        const response = await fetch(`${url}?${query}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
        const body = await response.json();
        if (mine !== sequence) return;
        if (response.ok) {
          const d = body.display;
          show("ok", `<strong id="emi-preview-emi">${d.emi}</strong> a month for ${body.tenure_months} months` +
            ` · total interest <strong id="emi-preview-interest">${d.total_interest}</strong>` +
            ` · you repay ${d.total_repayable} in all (${body.annual_rate_percent}% a year)`);
        } else {
          const messages = Object.values(body.errors || {}).flat();
          const escaped = messages.map((m) => m.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]));
          show("error", escaped.join(" "));
        }
      } catch (error) {
        // Offline for a moment: the next keystroke tries again.
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 250);
    }

    [amount, tenure].forEach((input) => input.addEventListener("input", schedule));
    if (product) {
      product.addEventListener("change", () => { showRules(); schedule(); });
    }
    showRules();
    update();
  });
})();
