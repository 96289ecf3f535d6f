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
  // Offer the keys of the actions being typed, as the server does when it renders the page.
  function offer(form) {
    var table;
    try {
      table = JSON.parse(form.getAttribute("data-action-keys") || "{}");
    } catch (error) {
      return;
    }
    var field = form.querySelector("textarea[name=actions]");
    var target = form.querySelector("#offered-keys");
    if (!field || !target) return;
    var keys = [];
    field.value.split(/[\n,]/).forEach(function (action) {
      (table[action.trim().toLowerCase()] || []).forEach(function (key) {
        if (keys.indexOf(key) < 0) keys.push(key);
      });
    });
    (table["*"] || []).forEach(function (key) {
      if (keys.indexOf(key) < 0) keys.push(key);
    });
    target.textContent = "";
    keys.forEach(function (key, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "linklike";
      button.setAttribute("data-context-key", key);
      button.textContent = key;
      if (index) target.appendChild(document.createTextNode(" "));
      target.appendChild(button);
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("form[data-playground] textarea[name=actions]")) {
      offer(event.target.closest("form"));
    }
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
