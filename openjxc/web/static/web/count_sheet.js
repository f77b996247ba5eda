/* A counter's sheet (盘点表) on a phone: the scan input works like the entry grid's
   (entry.js): a scanner types a code and Enter — an exact barcode or code adds one, typing
   searches. Display only: the server sums and checks what is saved. */
(function () {
  "use strict";
  var form = document.getElementById("sheet-form");
  if (!form) return;
  var d = form.dataset;
  var tbody = document.querySelector("#sheet-lines tbody");
  var template = document.getElementById("sheet-line");
  var scan = document.getElementById("scan");
  var message = document.getElementById("scan-message");
  var list = document.getElementById("suggestions");
  var found = [];

  function num(v) { var n = parseFloat(String(v || "").replace(/,/g, "")); return isFinite(n) ? n : 0; }
  function qtyText(x) { return String(Math.round(x * 10000) / 10000); }

  function addItem(item) {
    hideList();
    message.textContent = "";
    var row = tbody.querySelector('tr.line[data-item="' + CSS.escape(item.code) + '"]');
    if (row) {
      var q = row.querySelector(".qty");
      q.value = qtyText(num(q.value) + 1);
    } else {
      row = template.content.firstElementChild.cloneNode(true);
      row.dataset.item = item.code;
      row.querySelector("[name=line_item]").value = item.code;
      row.querySelector(".code").textContent = item.code;
      row.querySelector(".name").textContent = item.name + (item.spec ? " " + item.spec : "");
      row.querySelector(".qty").value = "1";
      tbody.insertBefore(row, tbody.firstChild);
    }
    row.classList.remove("flash"); void row.offsetWidth; row.classList.add("flash");
    scan.value = "";
    scan.focus();
  }
  function lookup(q, enter) {
    var params = new URLSearchParams({q: q, type: d.type});
    return fetch(d.lookupUrl + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (scan.value.trim() !== q) return;
        found = data.items || [];
        if (enter && (data.exact || found.length === 1)) { addItem(found[0]); return; }
        if (enter && !found.length) { message.textContent = d.tNotFound + " " + q; scan.select(); return; }
        showList();
      });
  }
  function showList() {
    list.innerHTML = "";
    found.forEach(function (item, i) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.dataset.index = i;
      b.textContent = item.code + " " + item.name + (item.barcode ? " · " + item.barcode : "");
      li.appendChild(b);
      list.appendChild(li);
    });
    list.hidden = !found.length;
  }
  function hideList() { list.hidden = true; list.innerHTML = ""; }

  var timer = null;
  scan.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      e.preventDefault();
      clearTimeout(timer);
      var q = scan.value.trim();
      if (q) lookup(q, true);
    } else if (e.key === "Escape") {
      hideList();
    }
  });
  scan.addEventListener("input", function () {
    clearTimeout(timer);
    message.textContent = "";
    var q = scan.value.trim();
    if (!q) { hideList(); return; }
    timer = setTimeout(function () { lookup(q, false); }, 250);
  });
  list.addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (b) addItem(found[+b.dataset.index]);
  });
  tbody.addEventListener("click", function (e) {
    if (e.target.classList.contains("remove")) e.target.closest("tr").remove();
  });
  // a scanner's Enter in a quantity goes back to the scan input instead of saving
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.classList.contains("qty")) { e.preventDefault(); scan.focus(); }
  });
})();
