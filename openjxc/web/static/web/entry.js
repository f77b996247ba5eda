/* Document entry grid: scanner (keyboard wedge: code + Enter), item search, live totals,
   stock / last price / margin per line. Display only: the server computes what is saved. */
(function () {
  "use strict";
  var form = document.getElementById("doc-form");
  if (!form) return;
  var d = form.dataset;
  var tbody = document.querySelector("#lines tbody");
  var template = document.getElementById("line-template");
  var scan = document.getElementById("scan");
  var message = document.getElementById("scan-message");
  var list = document.getElementById("suggestions");
  var incl = d.incl === "1";

  function num(v) {
    var n = parseFloat(String(v || "").replace(/,/g, ""));
    return isFinite(n) ? n : 0;
  }
  function cents(x) { return Math.round((x + (x >= 0 ? 1e-9 : -1e-9)) * 100) / 100; }
  // thousands grouped like the server's `grouped` filter: 11,636.70
  function grouped(text) {
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+$)/g, ",");
    return parts.join(".");
  }
  function money(x) { return grouped(cents(x).toFixed(2)); }
  function qtyText(x) { return String(Math.round(x * 10000) / 10000); }
  function field(name) { return form.querySelector("[name=" + name + "]"); }
  function value(name) { var f = field(name); return f ? f.value : ""; }

  // 多单位: a line's quantity and price are per its unit; stock, availability and unit cost are
  // per the base unit, so they are compared through the chosen unit's factor
  function unitOf(row) { var u = row.querySelector(".unit-pick"); return u ? u.value : ""; }
  function factorOf(row) {
    var u = row.querySelector(".unit-pick");
    var o = u && u.options[u.selectedIndex];
    return o ? (num(o.dataset.factor) || 1) : 1;
  }
  function fillUnits(row, item, unit) {
    var pick = row.querySelector(".unit-pick"), text = row.querySelector(".unit-text");
    pick.innerHTML = "";
    var base = document.createElement("option");
    base.value = ""; base.dataset.factor = "1"; base.textContent = item.unit;
    pick.appendChild(base);
    (item.units || []).forEach(function (u) {
      var o = document.createElement("option");
      o.value = u.unit; o.dataset.factor = u.factor; o.textContent = u.unit;
      if (u.unit === unit) o.selected = true;
      pick.appendChild(o);
    });
    pick.hidden = !(item.units || []).length;
    text.textContent = item.unit;
    text.hidden = !pick.hidden;
    row.dataset.unit = unit || "";
  }

  function recalc() {
    if (!tbody) return;
    var tq = 0, ta = 0, tt = 0, tg = 0, tm = 0, hasMargin = false;
    Array.prototype.forEach.call(tbody.querySelectorAll("tr.line"), function (row, i) {
      row.querySelector(".no").textContent = i + 1;
      var qty = num(row.querySelector(".qty").value);
      var baseQty = qty * factorOf(row);
      tq += baseQty;
      var priceInput = row.querySelector(".price");
      if (!priceInput) return;
      var price = num(priceInput.value), rate = num(row.querySelector(".tax").value) / 100;
      var amount, tax, gross;
      if (incl) {
        gross = cents(qty * price); amount = cents(qty * price / (1 + rate)); tax = cents(gross - amount);
      } else {
        amount = cents(qty * price); tax = cents(amount * rate); gross = cents(amount + tax);
      }
      row.querySelector(".amount").textContent = money(amount);
      row.querySelector(".taxamt").textContent = money(tax);
      row.querySelector(".gross").textContent = money(gross);
      ta += amount; tt += tax; tg += gross;
      var cost = row.dataset.unitCost;
      var info = row.querySelector(".info .margin");
      if (cost !== undefined && cost !== "" && info) {
        var m = cents(amount - baseQty * num(cost));
        tm += m; hasMargin = true;
        info.textContent = d.tMargin + " " + money(m) + (amount ? " (" + (m * 100 / amount).toFixed(1) + "%)" : "");
        info.className = "margin " + (m < 0 ? "bad" : "ok");
      }
      var avail = row.dataset.available;
      var warn = row.querySelector(".info .avail");
      if (warn && avail !== undefined) warn.classList.toggle("bad", isOutgoing() && baseQty > num(avail));
    });
    setText("total-qty", grouped(qtyText(tq)));
    setText("total-amount", money(ta));
    setText("total-tax", money(tt));
    setText("total-gross", money(tg));
    setText("total-margin", hasMargin ? d.tMargin + " " + money(tm) : "");
    creditCheck(tg);
  }
  // a customer over the credit limit is told before approval (the server checks again on approval)
  function creditCheck(gross) {
    var box = document.getElementById("credit-warning"), f = field("partner");
    if (!box || !f || f.selectedIndex < 0) return;
    var o = f.options[f.selectedIndex].dataset;
    var over = o.creditLimit !== undefined && num(o.owed) + gross > num(o.creditLimit);
    box.hidden = !over;
    box.textContent = over ? d.tCredit.replace("{limit}", o.creditLimit).replace("{owed}", o.owed)
      .replace("{order}", money(gross)) : "";
  }
  function setText(id, text) { var el = document.getElementById(id); if (el) el.textContent = text; }
  function isOutgoing() {
    return /^(sales_delivery|sales_order|other_out|transfer|purchase_return)$/.test(d.type);
  }

  function lineInfo(row) {
    var item = row.dataset.item;
    if (!item || !row.querySelector(".info")) return;
    var source = row.querySelector("[name=line_source]");
    var params = new URLSearchParams({type: d.type, item: item, warehouse: value("warehouse"), partner: value("partner"),
                                      date: value("date"), source_line: source ? source.value : "",
                                      unit: unitOf(row)});
    fetch(d.infoUrl + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (info) {
        if (!info) return;
        row.dataset.available = info.available;
        if (info.unit_cost !== null && info.unit_cost !== undefined) row.dataset.unitCost = info.unit_cost;
        else delete row.dataset.unitCost;
        var cell = row.querySelector(".info");
        cell.innerHTML = "";
        var avail = span("avail", d.tAvailable + " " + info.available + (info.on_hand !== info.available ? " / " + d.tOnHand + " " + info.on_hand : ""));
        cell.appendChild(avail);
        if (info.last_price) cell.appendChild(span("last", " · " + d.tLastPrice + " " + info.last_price));
        if (info.unit_cost !== null && info.unit_cost !== undefined) cell.appendChild(span("margin", ""));
        var price = row.querySelector(".price");
        if (price && !price.value && info.suggested_price) price.value = info.suggested_price;
        var tax = row.querySelector(".tax");
        if (tax && !tax.value && info.tax_percent !== undefined) tax.value = info.tax_percent;
        recalc();
      });
  }
  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls; s.textContent = text;
    return s;
  }

  function addItem(item) {
    hideList();
    message.textContent = "";
    var unit = item.scan_unit || "";
    var row = tbody.querySelector('tr.line[data-item="' + CSS.escape(item.code) + '"][data-unit="' + CSS.escape(unit) + '"]');
    if (row && !row.querySelector("[name=line_source]").value) {
      var q = row.querySelector(".qty");
      q.value = qtyText(num(q.value) + 1);
    } else {
      row = template.content.firstElementChild.cloneNode(true);
      row.dataset.item = item.code;
      row.querySelector("[name=line_item]").value = item.code;
      row.querySelector(".code").textContent = item.code;
      row.querySelector(".name").textContent = item.name + (item.spec ? " " + item.spec : "");
      fillUnits(row, item, unit);
      showTracking(row, item);
      row.querySelector(".qty").value = "1";
      var price = row.querySelector(".price");
      if (price && item.price) price.value = item.price;
      var tax = row.querySelector(".tax");
      if (tax) tax.value = item.tax_percent || "";
      tbody.appendChild(row);
      lineInfo(row);
    }
    row.classList.remove("flash"); void row.offsetWidth; row.classList.add("flash");
    recalc();
    scan.value = "";
    scan.focus();
  }

  // 批次 / 序列号: the inputs of a tracked item; serials are scanned one per scan, and the
  // quantity follows their count
  function showTracking(row, item) {
    var box = row.querySelector(".tracking");
    if (!box) return;
    box.hidden = !(item.batch_tracked || item.serial_tracked);
    box.querySelector(".batch-fields").hidden = !item.batch_tracked;
    box.querySelector(".serial-fields").hidden = !item.serial_tracked;
  }
  function addSerial(input) {
    var row = input.closest("tr.line"), text = input.value.trim();
    input.value = "";
    if (!text) return;
    var area = row.querySelector(".serials");
    var list = area.value.split("\n").filter(function (s) { return s.trim(); });
    if (list.indexOf(text) >= 0) { message.textContent = text + " ✓"; return; }
    list.push(text);
    area.value = list.join("\n");
    var shown = row.querySelector(".serial-list");
    shown.appendChild(span("serial", text)); shown.appendChild(document.createTextNode(" "));
    row.querySelector(".qty").value = String(list.length);
    recalc();
  }
  tbody.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.classList.contains("serial-scan")) {
      e.preventDefault(); e.stopImmediatePropagation(); addSerial(e.target);
    }
  }, true);

  var found = [];
  function lookup(q, enter) {
    var params = new URLSearchParams({q: q, type: d.type, partner: value("partner"), date: value("date")});
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
      b.textContent = item.code + " " + item.name + (item.spec ? " " + item.spec : "") + (item.barcode ? " · " + item.barcode : "");
      li.appendChild(b);
      list.appendChild(li);
    });
    list.hidden = !found.length;
  }
  function hideList() { list.hidden = true; list.innerHTML = ""; }

  if (scan) {
    var timer = null;
    scan.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(timer);
        var q = scan.value.trim();
        if (q) lookup(q, true);
      } else if (e.key === "Escape") {
        hideList();
      } else if (e.key === "ArrowDown" && !list.hidden) {
        e.preventDefault();
        var first = list.querySelector("button");
        if (first) first.focus();
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
    list.addEventListener("keydown", function (e) {
      var b = e.target.closest("button");
      if (!b) return;
      var li = b.parentElement;
      if (e.key === "ArrowDown" && li.nextElementSibling) { e.preventDefault(); li.nextElementSibling.firstChild.focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (li.previousElementSibling ? li.previousElementSibling.firstChild : scan).focus(); }
      if (e.key === "Escape") { hideList(); scan.focus(); }
    });
  }

  if (tbody) {
    tbody.addEventListener("input", recalc);
    // another unit: the price is the one of that unit (its own, else the base price × factor)
    tbody.addEventListener("change", function (e) {
      if (!e.target.classList.contains("unit-pick")) return;
      var row = e.target.closest("tr");
      row.dataset.unit = e.target.value;
      var price = row.querySelector(".price");
      if (price) price.value = "";
      lineInfo(row);
      recalc();
    });
    Array.prototype.forEach.call(tbody.querySelectorAll("tr.line"), function (row) {
      row.dataset.unit = unitOf(row);
    });
    tbody.addEventListener("click", function (e) {
      if (e.target.closest(".remove")) { e.target.closest("tr").remove(); recalc(); }
    });
    // Enter in a line field moves on instead of submitting the form
    tbody.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && e.target.tagName === "INPUT") { e.preventDefault(); if (scan) scan.focus(); }
    });
    ["partner", "warehouse"].forEach(function (name) {
      var f = field(name);
      if (f) f.addEventListener("change", function () {
        Array.prototype.forEach.call(tbody.querySelectorAll("tr.line"), lineInfo);
      });
    });
    Array.prototype.forEach.call(tbody.querySelectorAll("tr.line"), lineInfo);
    recalc();
  }

  // leaving with unsaved changes asks first; saving (or deleting) the form does not
  var dirty = false;
  function markDirty() { dirty = true; }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  if (tbody) new MutationObserver(markDirty).observe(tbody, {childList: true});
  window.addEventListener("beforeunload", function (e) {
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = "";
  });

  form.addEventListener("submit", function (e) {
    var by = e.submitter;
    if (by && by.dataset.confirm && !window.confirm(d.tConfirmDelete)) { e.preventDefault(); return; }
    dirty = false;
  });

  // 选择源单 is linked: choosing a source copies its remaining lines at once (the server derives a
  // draft from it); the list shows the chosen customer's or supplier's documents only
  var source = document.getElementById("derive-source");
  if (source) {
    source.addEventListener("change", function () {
      if (source.value) source.form.requestSubmit();
    });
    var partner = field("partner");
    var filterSources = function () {
      Array.prototype.forEach.call(source.options, function (o) {
        o.hidden = !!(o.value && partner && partner.value && o.dataset.partner !== partner.value);
      });
    };
    if (partner) partner.addEventListener("change", filterSources);
    filterSources();
  }
  // no scanner Enter outside the grid submits the form by accident
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.tagName === "INPUT" && e.target.type !== "submit" && e.target.id !== "scan") {
      e.preventDefault();
    }
  });
})();
