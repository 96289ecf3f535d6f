/* The console component: up/down history and Tab completion for form[data-console].
   Without this file the form still posts and the page reloads; nothing here is required. */
(function () {
  "use strict";

  function words(form) {
    try {
      return JSON.parse(form.getAttribute("data-completions") || "{}");
    } catch (error) {
      return {};
    }
  }

  function typedLines(form) {
    var history = document.getElementById("console-history");
    if (!history) return [];
    return Array.prototype.map.call(
      history.querySelectorAll(".terminal-command"),
      function (pre) { return pre.textContent.replace(/^\$ /, ""); }
    );
  }

  // Candidates for the word being typed, given the words before it.
  function candidates(table, before) {
    var previous = before[before.length - 1];
    if (previous === "--profile") return table.profiles || [];
    if (previous === "--role-arn") return table.roles || [];
    if (before.length === 0) return table.commands || [];
    if (before[0] === "aws" && before.length === 1) return Object.keys(table.services || {});
    if (before[0] === "aws" && before.length === 2) return (table.services || {})[before[1]] || [];
    return [];
  }

  function commonPrefix(items) {
    if (!items.length) return "";
    var prefix = items[0];
    items.forEach(function (item) {
      while (item.indexOf(prefix) !== 0) prefix = prefix.slice(0, -1);
    });
    return prefix;
  }

  function complete(form, input) {
    var table = words(form);
    var text = input.value.slice(0, input.selectionStart);
    var rest = input.value.slice(input.selectionStart);
    var parts = text.split(/\s+/);
    var current = parts.pop();
    var before = parts.filter(function (part) { return part.length > 0; });
    var matches = candidates(table, before).filter(function (word) {
      return word.indexOf(current) === 0;
    });
    var hint = form.querySelector("#console-completions");
    if (!matches.length) {
      if (hint) hint.textContent = "No completion for “" + current + "”.";
      return;
    }
    var completion = matches.length === 1 ? matches[0] + " " : commonPrefix(matches);
    var head = text.slice(0, text.length - current.length) + completion;
    input.value = head + rest;
    input.setSelectionRange(head.length, head.length);
    if (hint) hint.textContent = matches.length === 1 ? "" : matches.slice(0, 40).join("  ");
  }

  function attach(form) {
    var input = form.querySelector("input[name=line]");
    if (!input || form.getAttribute("data-console-ready")) return;
    form.setAttribute("data-console-ready", "true");
    var position = null;
    var draft = "";
    input.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && !event.shiftKey && input.value.trim().length > 0) {
        event.preventDefault();
        complete(form, input);
        return;
      }
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
      var lines = typedLines(form);
      if (!lines.length) return;
      event.preventDefault();
      if (position === null) {
        draft = input.value;
        position = lines.length;
      }
      position += event.key === "ArrowUp" ? -1 : 1;
      if (position < 0) position = 0;
      if (position >= lines.length) {
        position = null;
        input.value = draft;
      } else {
        input.value = lines[position];
      }
      input.setSelectionRange(input.value.length, input.value.length);
    });
    input.addEventListener("input", function () { position = null; });
  }

  function scrollHistory() {
    var history = document.getElementById("console-history");
    if (history) history.scrollTop = history.scrollHeight;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-console]").forEach(attach);
    scrollHistory();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-console]") && event.detail.successful) {
      var input = form.querySelector("input[name=line]");
      if (input) { input.value = ""; input.focus(); }
      var hint = form.querySelector("#console-completions");
      if (hint) hint.textContent = "";
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var refusal = document.getElementById("console-refusal");
    if (!refusal) return;
    refusal.textContent = "The server refused this request (status " + event.detail.xhr.status +
      "): it is larger than this site accepts or not well formed. Nothing was run.";
  });
  document.addEventListener("htmx:afterSettle", scrollHistory);
  window.addEventListener("resize", scrollHistory);
})();
