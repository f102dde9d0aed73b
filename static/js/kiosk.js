/* The lobby kiosk's own behaviour, in plain JS (htmx does the rest):
 *
 * - Larger text and high contrast, one tap away in the footer of every kiosk screen. The
 *   choice is kept for the current citizen in sessionStorage and applied as a class on <html>
 *   (k-large-text, k-high-contrast) before the first paint, so it survives htmx swaps and
 *   full page loads (a language change).
 * - The help dialog (native modal <dialog>: the page behind it is inert; Tab is kept inside).
 * - The inactivity reset: once a citizen has touched the kiosk, after data-idle-seconds
 *   without a touch "Are you still there?" counts down data-idle-warning-seconds (never fewer
 *   than 20); any touch continues, and nobody answering returns the kiosk to its start screen
 *   in the office's default language with normal text and contrast.
 *
 * - A language tapped on an inner screen reloads that screen in the new language.
 *
 * Loaded with defer so that the page paints without waiting for it; a one-line script in
 * templates/kiosk/base.html puts the mode classes on <html> before the first paint.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var MODES = { "large-text": "k-large-text", "high-contrast": "k-high-contrast" };
  var ACTIVE = "kiosk.active"; // a citizen has touched the kiosk since the last reset
  var MIN_WARNING_SECONDS = 20; // WCAG 2.2.1: at least 20 s to ask for more time
  var ALERT_SECONDS = 20; // a message from the server stays this long unless closed

  function store() {
    try {
      return window.sessionStorage;
    } catch (err) {
      return null; // storage disabled: modes still work for this page
    }
  }

  // Kept in memory too: without storage (disabled, full) the page itself still works.
  var memory = {};

  function getFlag(key) {
    var s = store();
    try {
      if (s) return s.getItem(key) === "1";
    } catch (err) {
      /* fall back to memory */
    }
    return !!memory[key];
  }

  function setFlag(key, on) {
    memory[key] = on;
    var s = store();
    if (!s) return;
    try {
      if (on) s.setItem(key, "1");
      else s.removeItem(key);
    } catch (err) {
      /* memory has it */
    }
  }

  function applyModes() {
    Object.keys(MODES).forEach(function (mode) {
      var on = getFlag("kiosk.mode." + mode);
      root.classList.toggle(MODES[mode], on);
      document.querySelectorAll('[data-kiosk-mode="' + mode + '"]').forEach(function (b) {
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });
  }

  applyModes(); // the buttons' aria-pressed (the classes are already there)

  function toggleMode(mode) {
    setFlag("kiosk.mode." + mode, !root.classList.contains(MODES[mode]));
    applyModes();
  }

  /* ------------------------------------------------------------------ dialogs */

  function focusables(dialog) {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("button, [href], input, select, textarea, [tabindex]"),
      function (el) {
        return !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0;
      }
    );
  }

  function openDialog(dialog) {
    if (!dialog || dialog.open) return;
    dialog.showModal();
    var first = dialog.querySelector("[autofocus]") || focusables(dialog)[0];
    if (first) first.focus();
  }

  function closeDialog(dialog) {
    if (dialog && dialog.open) dialog.close();
  }

  // Keep Tab inside an open dialog (a kiosk has no browser UI for focus to escape to).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") return;
    var dialog = document.querySelector("dialog[open]");
    if (!dialog) return;
    var items = focusables(dialog);
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  });

  /* ------------------------------------------------------------------ inactivity */

  var idle = null; // set up once the body is there

  function now() {
    return Date.now();
  }

  function resetKiosk() {
    Object.keys(MODES).forEach(function (mode) {
      setFlag("kiosk.mode." + mode, false);
    });
    setFlag(ACTIVE, false);
    root.classList.remove(MODES["large-text"], MODES["high-contrast"]);
    // A full load of the start screen without ?lang: the office's first language, a fresh page.
    window.location.replace(document.body.dataset.kioskHome);
  }

  /* A finished ticket: after its seconds (or "Done"), the next citizen starts afresh. */
  var resetTimer = null;

  function scheduleReset() {
    var screen = document.querySelector("[data-kiosk-reset-after]");
    if (resetTimer !== null) window.clearTimeout(resetTimer);
    resetTimer = null;
    if (!screen) return;
    var seconds = parseFloat(screen.dataset.kioskResetAfter);
    if (seconds > 0) resetTimer = window.setTimeout(resetKiosk, seconds * 1000);
  }

  function showWarning() {
    idle.deadline = now() + idle.warningSeconds * 1000;
    updateCountdown();
    openDialog(idle.dialog);
  }

  function updateCountdown() {
    var left = Math.max(0, Math.ceil((idle.deadline - now()) / 1000));
    if (idle.count) idle.count.textContent = String(left);
    if (idle.ring) idle.ring.style.setProperty("--left", String(left / idle.warningSeconds));
    return left;
  }

  function stillThere() {
    idle.last = now();
    setFlag(ACTIVE, true);
    if (idle.deadline !== null) {
      idle.deadline = null;
      closeDialog(idle.dialog);
    }
  }

  function tick() {
    if (idle.deadline !== null) {
      if (updateCountdown() <= 0) {
        idle.deadline = null;
        resetKiosk();
      }
      return;
    }
    if (!getFlag(ACTIVE)) return; // nobody has touched the kiosk since the last reset
    if (now() - idle.last >= idle.idleSeconds * 1000) showWarning();
  }

  function setUpIdle(body) {
    var seconds = parseFloat(body.dataset.idleSeconds);
    var dialog = document.getElementById("k-idle");
    if (!(seconds > 0) || !dialog || !body.dataset.kioskHome) return;
    idle = {
      idleSeconds: seconds,
      warningSeconds: Math.max(MIN_WARNING_SECONDS, parseFloat(body.dataset.idleWarningSeconds) || 0),
      home: body.dataset.kioskHome,
      dialog: dialog,
      count: dialog.querySelector(".k-idle-count"),
      ring: dialog.querySelector(".k-idle-ring"),
      last: now(),
      deadline: null,
    };
    // Any touch, key or scroll is "still there", also a touch on the warning itself.
    ["pointerdown", "keydown", "wheel", "input"].forEach(function (type) {
      document.addEventListener(type, stillThere, { capture: true, passive: true });
    });
    // Escape on the warning means "continue" too, not a way to dismiss the countdown silently.
    dialog.addEventListener("cancel", function () {
      stillThere();
    });
    window.setInterval(tick, 250);
  }

  /* ------------------------------------------------------------------ wiring */

  function init() {
    var body = document.body;
    applyModes();
    setUpIdle(body);

    // A language keeps the citizen's screen. Screens come by htmx, so the location bar still
    // names the page first loaded: remember the address of the screen shown last (fetched by
    // GET; after a ticket, a POST, the language links go to the start as written).
    var screenUrl = null;

    document.addEventListener("click", function (event) {
      var language = event.target.closest(".k-lang");
      if (language && screenUrl) {
        event.preventDefault();
        var url = new URL(screenUrl, location.href);
        url.searchParams.set("lang", language.getAttribute("hreflang"));
        location.assign(url.href);
        return;
      }
      var reset = event.target.closest("[data-kiosk-reset]");
      if (reset && document.body.dataset.kioskHome) {
        event.preventDefault();
        resetKiosk();
        return;
      }
      var target = event.target.closest("[data-kiosk-mode], [data-kiosk-open], [data-kiosk-close]");
      if (!target) {
        // A tap on the backdrop of the help dialog closes it.
        var help = document.getElementById("k-help");
        if (help && event.target === help) closeDialog(help);
        return;
      }
      if (target.dataset.kioskMode) toggleMode(target.dataset.kioskMode);
      else if (target.dataset.kioskOpen) openDialog(document.getElementById(target.dataset.kioskOpen));
      else if ("kioskClose" in target.dataset) closeDialog(target.closest("dialog"));
    });

    body.addEventListener("htmx:afterSwap", function (event) {
      var detail = event.detail, swapped = detail.target;
      if (swapped && swapped.id === "screen") {
        screenUrl = detail.requestConfig && detail.requestConfig.verb === "get"
          ? detail.xhr.responseURL : null;
      } else if (swapped && swapped.id === "alerts") {
        // A message (an error from the server) goes away by itself after a while too: the
        // next citizen should not find it.
        Array.prototype.forEach.call(swapped.children, function (alert) {
          setTimeout(function () { alert.remove(); }, ALERT_SECONDS * 1000);
        });
      }
    });

    // Screens keep their own sticky actions just above the footer, whatever its height.
    var footer = document.querySelector(".k-footer");
    if (footer && window.ResizeObserver) {
      new ResizeObserver(function () {
        root.style.setProperty("--k-footer-height", footer.offsetHeight + "px");
      }).observe(footer);
    }

    // Content swapped in by htmx may carry mode buttons of its own: keep them in step.
    body.addEventListener("htmx:afterSettle", applyModes);
    body.addEventListener("htmx:afterSettle", scheduleReset);
    scheduleReset();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  window.kioskModes = { apply: applyModes, toggle: toggleMode };
})();
