// The 费用单 / 其他收入单 grid: each row's tax (amount × rate, half up to the fen) and total, and
// the document's totals, as the user types. The server computes them again when it saves.
(function () {
  "use strict";
  var table = document.getElementById("expense-lines");
  if (!table) return;
  function num(v) { var x = parseFloat(String(v || "").replace(/,/g, "")); return isFinite(x) ? x : 0; }
  function cents(x) { return Math.round((x + (x >= 0 ? 1e-9 : -1e-9)) * 100) / 100; }
  function money(x) {
    var parts = cents(x).toFixed(2).split(".");
    return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + parts[1];
  }
  function recalc() {
    var sums = [0, 0, 0];
    Array.prototype.forEach.call(table.querySelectorAll("tr.line"), function (row) {
      var amount = num(row.querySelector(".amount").value);
      var tax = cents(amount * num(row.querySelector(".rate").value) / 100);
      var filled = row.querySelector("select").value && amount;
      row.querySelector(".line-tax").textContent = filled ? money(tax) : "";
      row.querySelector(".line-gross").textContent = filled ? money(amount + tax) : "";
      if (filled) { sums[0] += amount; sums[1] += tax; sums[2] += amount + tax; }
    });
    document.getElementById("total-amount").textContent = money(sums[0]);
    document.getElementById("total-tax").textContent = money(sums[1]);
    document.getElementById("total-gross").textContent = money(sums[2]);
  }
  table.addEventListener("input", recalc);
  table.addEventListener("change", recalc);
  recalc();
})();
