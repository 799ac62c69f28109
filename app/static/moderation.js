// The moderation page (templates/manage/questions/). Everything works without this file; it
//  - holds the live queue's polls while the moderator types in it (a poll would replace the
//    form), and keeps open forms, the collapsed section and the selected question across swaps;
//  - adds keyboard shortcuts: j/k move between questions, a approve, r reject, e edit,
//    m merge, d answered, s put on screen, Esc closes the open form.
(function () {
  "use strict";

  var legend = document.getElementById("mod-keys");
  if (!document.getElementById("queue")) return;
  if (legend) legend.hidden = false;

  var currentId = null; // the selected question (data-question-id)
  var currentIndex = 0; // its place in its list, to select the next one when it leaves
  var currentList = null; // the id of that list
  var kept = { open: [], focus: null };

  function queue() { return document.getElementById("queue"); }

  function isField(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }

  // --- the polls: never while the moderator is in the middle of something ------------------
  function busy(q) {
    if (q.contains(document.activeElement) && isField(document.activeElement)) return true;
    return !!q.querySelector("details[open] form[data-dirty]");
  }

  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);
  function markDirty(event) {
    var form = event.target && event.target.closest && event.target.closest("#queue form");
    if (form) form.setAttribute("data-dirty", "");
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var q = queue();
    var elt = event.detail && event.detail.elt;
    if (q && elt === q && busy(q)) event.preventDefault(); // the next poll tries again
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var q = queue();
    if (!q || event.detail.target !== q) return;
    // the form just sent closes (if it was refused, the answer opens it again with the message)
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var sent = source && source.closest ? source.closest("details.q-action") : null;
    kept.open = Array.prototype.filter.call(q.querySelectorAll("details[open][id]"), function (d) {
      return d !== sent;
    }).map(function (d) { return d.id; });
    var active = document.activeElement;
    kept.focus = active && q.contains(active) ? (active.closest(".q-card") ? "card" : null) : null;
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var q = queue();
    if (!q || !q.contains(event.detail.elt) && event.detail.elt !== q) return;
    if (event.detail.target && event.detail.target.classList &&
        event.detail.target.classList.contains("merge-slot")) return;
    kept.open.forEach(function (id) {
      var d = document.getElementById(id);
      if (d && !d.open) d.open = true;
    });
    kept.open = [];
    restoreSelection(kept.focus === "card");
    kept.focus = null;
  });

  // --- selecting a question -----------------------------------------------------------------
  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue .q-list:not(#rejected-list) .q-card"));
  }

  function select(card, focus) {
    document.querySelectorAll("#queue .q-card.is-current").forEach(function (c) {
      c.classList.remove("is-current");
    });
    if (!card) { currentId = null; return; }
    card.classList.add("is-current");
    currentId = card.getAttribute("data-question-id");
    var list = card.closest(".q-list");
    currentList = list ? list.id : null;
    currentIndex = list ? Array.prototype.indexOf.call(list.children, card) : 0;
    if (focus) card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
  }

  // After a swap: the same question if it is still in the same list, else the one that took
  // its place (after approving, the next pending question).
  function restoreSelection(focus) {
    if (currentId === null) return;
    var card = document.getElementById("q-" + currentId);
    var list = currentList ? document.getElementById(currentList) : null;
    if (!card || (list && !list.contains(card))) {
      card = list ? list.children[Math.min(currentIndex, list.children.length - 1)] : null;
    }
    select(card || null, focus);
  }

  function current() {
    return currentId === null ? null : document.getElementById("q-" + currentId);
  }

  function move(step) {
    var all = cards();
    if (!all.length) return;
    var at = all.indexOf(current());
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.max(0, Math.min(all.length - 1, at + step));
    select(all[next], true);
  }

  function press(card, key) {
    var button = card.querySelector("button[data-key='" + key + "']");
    if (button) { button.click(); return true; }
    return false;
  }

  function openForm(card, key) {
    var details = card.querySelector("details.q-action[data-key='" + key + "']");
    if (!details) return false;
    details.open = true;
    var field = details.querySelector("textarea, input[type='text'], select, input[type='checkbox']");
    if (field) {
      field.focus();
    } else {
      // the merge choice is still loading: focus it when it arrives
      details.addEventListener("htmx:afterSettle", function once() {
        details.removeEventListener("htmx:afterSettle", once);
        var select = details.querySelector("select");
        if (select) select.focus();
      });
    }
    return true;
  }

  document.addEventListener("click", function (event) {
    var card = event.target.closest && event.target.closest("#queue .q-card");
    if (card && !card.closest("#rejected-list")) select(card, false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (event.key === "Escape") {
      var details = target.closest && target.closest("#queue details.q-action[open]");
      if (details) {
        details.open = false;
        var form = details.querySelector("form");
        if (form) form.removeAttribute("data-dirty");
        var card = details.closest(".q-card");
        if (card) select(card, true);
        event.preventDefault();
      }
      return;
    }
    if (isField(target)) return;
    var key = event.key;
    if (key === "j" || key === "k") {
      move(key === "j" ? 1 : -1);
      event.preventDefault();
      return;
    }
    var selected = current();
    if (!selected) return;
    var done = false;
    if (key === "a" || key === "s") done = press(selected, key);
    else if (key === "r" || key === "e" || key === "m" || key === "d") done = openForm(selected, key);
    if (done) event.preventDefault();
  });
})();
