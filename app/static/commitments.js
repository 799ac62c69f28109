// The "Record a commitment" box of the moderation page (templates/manage/commitments/_box.html).
// Everything works without this file; it
//  - saves with Ctrl+Enter (or Cmd+Enter) from any field of the box, and `c` focuses the text;
//  - follows the question put on screen: the box's question (and its topic) changes with it,
//    until the scribe chooses one themselves;
//  - fills the topic from the question chosen, unless a topic was chosen by hand.
(function () {
  "use strict";

  function box() { return document.getElementById("commitment-box"); }
  function field(id) { return document.getElementById(id); }

  function isField(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }

  function showKeys() {
    var hint = document.querySelector("#commitment-box .commit-keys");
    if (hint) hint.hidden = false;
  }
  showKeys();

  document.addEventListener("keydown", function (event) {
    var b = box();
    if (!b) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && b.contains(event.target)) {
      var form = b.querySelector("form");
      if (form) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (event.key === "c" && !event.altKey && !event.ctrlKey && !event.metaKey && !isField(event.target)) {
      var text = field("cm-text");
      if (text) { event.preventDefault(); text.focus(); }
    }
  });

  function setTopicFrom(select) {
    var topic = field("cm-topic");
    if (!topic || topic.hasAttribute("data-chosen")) return;
    var option = select.options[select.selectedIndex];
    topic.value = option ? option.getAttribute("data-topic") || "" : "";
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "cm-question") {
      target.setAttribute("data-chosen", "");
      setTopicFrom(target);
    } else if (target.id === "cm-topic") {
      target.setAttribute("data-chosen", "");
    }
  });

  // the queue was swapped: if another question is on screen, the box follows it
  document.body.addEventListener("htmx:afterSettle", function () {
    var queue = document.getElementById("queue");
    var select = field("cm-question");
    var b = box();
    if (!queue || !select || !b || select.hasAttribute("data-chosen")) return;
    var id = queue.getAttribute("data-on-screen-id") || "";
    if (!id || id === b.getAttribute("data-on-screen-id")) return;
    b.setAttribute("data-on-screen-id", id);
    var option = select.querySelector("option[value='" + id + "']");
    if (!option) {
      var body = document.getElementById("q-" + id + "-body");
      option = document.createElement("option");
      option.value = id;
      option.textContent = "#" + id + " " + (body ? body.textContent.slice(0, 80) : "");
      select.appendChild(option);
    }
    select.value = id;
    setTopicFrom(select);
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "commitment-box") showKeys();
  });
})();
