/* The playground: the offered context keys add a "key = " line to the context field.
   Without this file the keys are still listed; the learner types them. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-context-key]");
    if (!button) return;
    var form = button.closest("form");
    var field = form && form.querySelector("textarea[name=context]");
    if (!field) return;
    var text = field.value.replace(/\s+$/, "");
    field.value = (text ? text + "\n" : "") + button.getAttribute("data-context-key") + " = ";
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  });
  // A request the server refuses outright (too large to read) is not swapped in by htmx:
  // say so where the learner is looking.
  document.addEventListener("htmx:responseError", function (event) {
    var status = document.getElementById("playground-status");
    if (!status) return;
    status.textContent = "The server refused this request (status " + event.detail.xhr.status +
      "): it is larger than this site accepts or not well formed. Nothing was changed; shorten what you typed.";
  });
})();
