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
})();
