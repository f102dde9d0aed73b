/* The kiosk's on-screen keyboard (templates/kiosk/_keyboard.html).
 *
 * A key types into the field named by the keyboard's data-kb-target, at the caret, and fires
 * an "input" event on it, so htmx's hx-trigger="input changed delay:150ms" fetches results as
 * with a real keyboard. Keys never take the focus from the field (pointerdown is cancelled);
 * tabbing to a key and pressing Enter or Space works too (a button's click). One listener on
 * the document serves every keyboard, also those that htmx swaps in later.
 */
(function () {
  "use strict";
  if (window.__kioskKeyboard) return;
  window.__kioskKeyboard = true;

  function targetOf(kb) {
    return document.getElementById(kb.dataset.kbTarget || "k-search-input");
  }

  function fire(field) {
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function caret(field) {
    var start = field.selectionStart, end = field.selectionEnd;
    if (start === null || start === undefined) {  // a field type without a caret API
      start = end = field.value.length;
    }
    return [start, end];
  }

  function put(field, value, position) {
    field.value = value;
    try { field.setSelectionRange(position, position); } catch (e) { /* no caret API */ }
  }

  function insert(field, text) {
    var range = caret(field), value = field.value;
    var max = field.maxLength > 0 ? field.maxLength : Infinity;
    if (value.length - (range[1] - range[0]) + text.length > max) return false;
    put(field, value.slice(0, range[0]) + text + value.slice(range[1]), range[0] + text.length);
    return true;
  }

  function backspace(field) {
    var range = caret(field), value = field.value;
    if (range[0] !== range[1]) {
      put(field, value.slice(0, range[0]) + value.slice(range[1]), range[0]);
      return true;
    }
    if (range[0] === 0) return false;
    // One character, not one UTF-16 unit (a letter outside the BMP is two).
    var before = Array.from(value.slice(0, range[0]));
    before.pop();
    var head = before.join("");
    put(field, head + value.slice(range[0]), head.length);
    return true;
  }

  function show(kb, script) {
    kb.dataset.kbScript = script;
    kb.querySelectorAll(".kb-layout").forEach(function (layout) {
      layout.hidden = layout.dataset.kbScript !== script;
    });
    kb.querySelectorAll("[data-kb-show]").forEach(function (label) {
      label.hidden = label.dataset.kbShow !== script;
    });
    var toggle = kb.querySelector("[data-kb-action=switch]");
    if (toggle) {
      toggle.setAttribute("aria-label", script === "cyrillic"
        ? toggle.dataset.kbLabelLatin : toggle.dataset.kbLabelCyrillic);
    }
  }

  document.addEventListener("pointerdown", function (event) {
    if (event.target.closest && event.target.closest(".kb-key")) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var key = event.target.closest && event.target.closest(".kb-key");
    if (!key) return;
    var kb = key.closest(".kb");
    if (!kb) return;
    var field = targetOf(kb);
    var action = key.dataset.kbAction;
    if (action === "switch") {
      show(kb, kb.dataset.kbScript === "cyrillic" ? "latin" : "cyrillic");
      return;
    }
    if (!field) return;
    var changed;
    if (key.dataset.kbKey) changed = insert(field, key.dataset.kbKey);
    else if (action === "space") changed = insert(field, " ");
    else if (action === "backspace") changed = backspace(field);
    else if (action === "clear") {
      changed = field.value !== "";
      put(field, "", 0);
    }
    // Keep the caret in the field when the key was touched; a key reached with Tab keeps
    // the focus, so someone using a keyboard or switch access can go on pressing keys.
    if (event.detail > 0 && document.activeElement !== field) field.focus({ preventScroll: true });
    if (changed) fire(field);
  });
})();
