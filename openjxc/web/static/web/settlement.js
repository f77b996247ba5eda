/* Settlement pages: ask before a destructive action (form[data-confirm]) and do not send it twice. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-confirm]")) return;
  if (form.dataset.sent === "1" || !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});
