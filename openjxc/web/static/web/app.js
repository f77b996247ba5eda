/* Behaviour of every page, bound by data attributes: the Content-Security-Policy allows no
   inline script or event handler, so pages declare what they need and this file does it. */

/* Ask before a destructive action (form[data-confirm]) and do not send it twice. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-confirm]")) return;
  if (form.dataset.sent === "1" || !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});

document.addEventListener("click", function (event) {
  var el = event.target.closest && event.target.closest("[data-menu-toggle], [data-print], [data-check-all]");
  if (!el) return;
  if (el.hasAttribute("data-menu-toggle")) document.body.classList.toggle("menu-open");
  if (el.hasAttribute("data-print")) window.print();
  if (el.hasAttribute("data-check-all")) {
    document.querySelectorAll(el.dataset.checkAll).forEach(function (c) { c.checked = el.checked; });
  }
});

/* select[data-submit-on-change]: submit its form, first emptying the field named in data-clear. */
document.addEventListener("change", function (event) {
  var el = event.target;
  if (!el.matches || !el.matches("[data-submit-on-change]")) return;
  if (el.dataset.clear && el.form.elements[el.dataset.clear]) el.form.elements[el.dataset.clear].value = "";
  el.form.submit();
});

/* form[data-voucher] (记账凭证): live totals of the debit and credit columns, and the 借贷不平
   warning while they differ (the server refuses to save an unbalanced voucher anyway). */
function voucherTotals(form) {
  var sums = { debit: 0, credit: 0 };
  form.querySelectorAll("input[data-side]").forEach(function (input) {
    var fen = Math.round(parseFloat(input.value) * 100);
    if (!isNaN(fen)) sums[input.dataset.side] += fen;
  });
  form.querySelector("#voucher-debit").textContent = (sums.debit / 100).toFixed(2);
  form.querySelector("#voucher-credit").textContent = (sums.credit / 100).toFixed(2);
  form.querySelector("#voucher-unbalanced").hidden = sums.debit === sums.credit;
}
document.addEventListener("input", function (event) {
  var form = event.target.closest && event.target.closest("form[data-voucher]");
  if (form) voucherTotals(form);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-voucher]").forEach(voucherTotals);
});
