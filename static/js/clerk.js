/* The clerk's keyboard: one key per action, shown on each button. htmx triggers call
 * shortcut(event, key); the dialogs (transfer T, break B) open here. Keys are ignored while
 * typing in a field or while a dialog is open. O moves to the outcome list (arrows choose,
 * Enter finishes). In a dialog Tab stays inside, Enter on a list or a choice confirms, and
 * Escape closes it. A refused action (the page was stale) refetches the workstation. */
(function () {
  "use strict";

  // Match the key by its place as well as its letter: with a Cyrillic layout (mk, bg) the N key
  // types "н", and the clerk should not have to switch layouts to work.
  function isKey(event, key) {
    if (!event || !event.key) return false;
    return event.key.toLowerCase() === key || event.code === "Key" + key.toUpperCase();
  }

  window.shortcut = function (event, key) {
    if (!isKey(event, key)) return false;
    if (event.ctrlKey || event.altKey || event.metaKey) return false;
    if (document.querySelector("dialog[open]")) return false;
    // Typing in a field is not a shortcut; a field of a (closed, see above) dialog that kept
    // the focus is no field the clerk is typing in.
    var target = event.target;
    var field = target && target.closest && target.closest("input, select, textarea");
    return !field || !!field.closest("dialog");
  };

  var FOCUSABLE = "select:not([disabled]), input:not([disabled]):not([type=hidden]), " +
    "button:not([disabled]), textarea:not([disabled]), a[href]";

  // A closed dialog gives the focus back to its button (or to the page), never keeps it.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!dialog || dialog.tagName !== "DIALOG" || !dialog.contains(document.activeElement)) return;
    var opener = document.querySelector("[data-dialog='" + dialog.id + "']");
    if (opener) opener.focus({ focusVisible: false });
    else document.activeElement.blur();
  }, true);

  function openDialog(id) {
    var dialog = document.getElementById(id);
    if (dialog && !dialog.open) {
      dialog.showModal();
      var first = dialog.querySelector("select, input:checked, input, button");
      if (first) first.focus();
      // Lists that may have changed since the page was drawn (the counters' states).
      dialog.querySelectorAll("[data-refresh-on-open]").forEach(function (el) {
        htmx.trigger(el, "refresh");
      });
    }
  }

  // The tab stops of a dialog: of each group of radio buttons only the checked one.
  function tabStops(dialog) {
    return Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
      return !(el.type === "radio" && !el.checked && dialog.querySelector(
        "input[type=radio][name='" + el.name + "']:checked"));
    });
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog]");
    if (opener) openDialog(opener.dataset.dialog);
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });

  document.addEventListener("keydown", function (event) {
    var dialog = document.querySelector("dialog[open]");
    var target = event.target;
    if (dialog && event.key === "Tab") {
      // Keep Tab inside the dialog: from the last stop to the first and back.
      var stops = tabStops(dialog);
      if (!stops.length) return;
      var first = stops[0], last = stops[stops.length - 1];
      if (event.shiftKey && (target === first || !dialog.contains(target))) {
        event.preventDefault(); last.focus();
      } else if (!event.shiftKey && (target === last || !dialog.contains(target))) {
        event.preventDefault(); first.focus();
      }
    } else if (event.key === "Enter" && target && target.form &&
               (target.tagName === "SELECT" || target.type === "radio")) {
      // Browsers submit on Enter only from text fields; a list or a choice confirms here too.
      event.preventDefault();
      target.form.requestSubmit();
    }
  });

  document.addEventListener("keyup", function (event) {
    // A dialog opens only while its button is on the page and enabled (no transfer without a
    // ticket, no break while serving, no second break during a break: then B ends it).
    if (window.shortcut(event, "t") && document.querySelector("[data-dialog='transfer-dialog']")) {
      openDialog("transfer-dialog");
    } else if (window.shortcut(event, "b") &&
               document.querySelector("[data-dialog='break-dialog']:not([disabled])")) {
      openDialog("break-dialog");
    } else if (window.shortcut(event, "o")) {
      var outcome = document.getElementById("outcome");
      if (outcome) outcome.focus();
    }
  });

  // A list refreshed while the clerk may already have chosen in it keeps the choice, if the
  // choice is still on offer.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var list = event.detail.target;
    if (list && list.matches && list.matches("select[data-refresh-on-open]")) {
      list.dataset.chosen = list.value;
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (list && list.matches && list.matches("select[data-refresh-on-open]")) {
      var chosen = list.dataset.chosen || "";
      if (Array.prototype.some.call(list.options, function (o) {
        return o.value === chosen && !o.disabled;
      })) list.value = chosen;
    }
  });

  // A message goes away by itself once read (the next action's message replaces it sooner):
  // a notice after INFO_SECONDS, a refusal after ERROR_SECONDS, or when the clerk closes it.
  var INFO_SECONDS = 8, ERROR_SECONDS = 20;
  document.body.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("#alerts .alert:not([data-timed])").forEach(function (alert) {
      alert.dataset.timed = "";
      var seconds = alert.classList.contains("alert-error") ? ERROR_SECONDS : INFO_SECONDS;
      setTimeout(function () { alert.remove(); }, seconds * 1000);
    });
  });

  // The server refused an action because the page was stale (the ticket was finished or moved
  // meanwhile, 404/409): show its message and bring the whole workstation up to date. Bad input
  // (400) leaves the page as it is, so nothing typed is lost.
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var elt = event.detail.elt;
    if ((status === 404 || status === 409) && elt && elt.closest && elt.closest("#workstation")) {
      // once the refused request is over: while it is in flight a refresh would be dropped
      setTimeout(function () { htmx.trigger(document.body, "resync"); }, 0);
    }
  });
})();
