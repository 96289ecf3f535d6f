// The step page after htmx swapped its live part in: keep <main>'s data-step-status in
// step with the part (automated checks and assistive technology read it there), and put
// the keyboard focus where the learner goes next: the next step once the goal is met,
// else back on the action, ready for the next command.
document.addEventListener("htmx:afterSettle", function (event) {
  if (event.detail.requestConfig && event.detail.requestConfig.verb !== "post") {
    return; // the diagrams arriving after an action: leave the focus where it is
  }
  var live = document.getElementById("step-live");
  var main = document.getElementById("main");
  if (!live || !main) {
    return;
  }
  var status = live.getAttribute("data-step-status") || "open";
  var was = main.getAttribute("data-step-status");
  main.setAttribute("data-step-status", status);
  var target = status === "done" && was !== "done" ? live.querySelector("a[rel=next]") : null;
  target = target || live.querySelector("[data-autofocus]");
  if (target) {
    target.focus({ preventScroll: true });
  }
});
