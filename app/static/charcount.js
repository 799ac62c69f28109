// The question box's live character count (issue 14). Progressive: without JavaScript the
// textarea's maxlength still holds and the hint says the limit; with it, a count appears under
// every textarea with a maxlength inside a form that has data-chars-left (its translated words).
(function () {
  "use strict";

  function attach(form) {
    var words = form.getAttribute("data-chars-left");
    form.querySelectorAll("textarea[maxlength]").forEach(function (box) {
      if (box.getAttribute("data-counted")) return;
      box.setAttribute("data-counted", "1");
      var limit = parseInt(box.getAttribute("maxlength"), 10);
      var count = document.createElement("p");
      count.className = "char-count";
      count.id = box.id + "-count";
      count.setAttribute("aria-live", "polite");
      box.insertAdjacentElement("afterend", count);
      var described = box.getAttribute("aria-describedby");
      box.setAttribute("aria-describedby", (described ? described + " " : "") + count.id);
      function update() {
        var left = limit - box.value.length;
        count.textContent = left + " " + words;
        count.classList.toggle("is-near", left <= 50);
        // announced only near the limit: a screen reader is not told at every key
        count.setAttribute("aria-live", left <= 50 ? "polite" : "off");
      }
      box.addEventListener("input", update);
      update();
    });
  }

  function scan(root) {
    if (root.matches && root.matches("form[data-chars-left]")) attach(root);
    if (root.querySelectorAll) root.querySelectorAll("form[data-chars-left]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  // the questions block is loaded and replaced by htmx: count in the new one too
  document.addEventListener("htmx:load", function (event) { scan(event.detail.elt); });
})();
