// The vote buttons of the question list, sent with htmx and swapped in place. A page of 200
// questions would otherwise repeat each button's address a second time (hx-post) next to the
// one it has for the page without JavaScript (formaction, posting the page's one token form
// #pf): this is that hx-post, once for every button, present and to come.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".vote > button[formaction]");
    if (!button || !window.htmx) return;
    event.preventDefault();
    window.htmx.ajax("POST", button.getAttribute("formaction"), {
      source: button,
      target: button.parentElement,
      swap: "outerHTML",
    });
  });
})();
