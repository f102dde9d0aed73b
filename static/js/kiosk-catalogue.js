/* The kiosk's catalogue screens: printing the slip, and taking in a changed catalogue.
 *
 * - A screen marked data-print="auto" (a new ticket, a checklist) prints once when it appears:
 *   only its .k-slip prints (@media print in kiosk-pages.css). A kiosk's Chromium runs with
 *   --kiosk-printing, so it prints silently on the default (80 mm) printer. [data-print-now]
 *   prints again.
 * - "catalogue-changed" (live.js, on the Socket.IO "catalogue" signal): an idle start screen
 *   fetches itself again. A citizen on any other screen is never moved; the way back to the
 *   start fetches the new start screen anyway. A start screen touched in the last few seconds
 *   waits until it has been left alone.
 */
(function () {
  "use strict";
  if (window.__kioskCatalogue) return;
  window.__kioskCatalogue = true;

  var IDLE_MS = 4000;
  var lastTouch = 0;
  var pending = false;

  function screen() { return document.getElementById("screen"); }

  // A roll of paper has no page height: give the page the slip's own length, measured off
  // screen (the slip's type is the same in every medium), so it prints as one piece.
  var MM = 96 / 25.4;
  function fitPageToSlip() {
    var slip = document.querySelector("#screen .k-slip");
    if (!slip) return;
    slip.classList.add("k-slip-measure");
    var length = Math.ceil(slip.getBoundingClientRect().height / MM) + 4;
    slip.classList.remove("k-slip-measure");
    var style = document.getElementById("k-slip-page");
    if (!style) {
      style = document.createElement("style");
      style.id = "k-slip-page";
      document.head.appendChild(style);
    }
    style.textContent = "@media print { @page { size: 80mm " + length + "mm; margin: 0; } }";
  }

  function printSlip() {
    fitPageToSlip();
    window.print();
  }

  function printIfAsked() {
    var el = screen();
    if (!el || el.dataset.print !== "auto" || el.dataset.printed) return;
    el.dataset.printed = "1";
    // Let the swapped-in slip lay out (and its font load) before printing.
    setTimeout(printSlip, 50);
  }

  function refreshStart() {
    var el = screen();
    if (!el || el.dataset.screen !== "start" || !el.dataset.refresh) { pending = false; return; }
    var quiet = Date.now() - lastTouch;
    if (quiet < IDLE_MS) { setTimeout(refreshStart, IDLE_MS - quiet + 50); return; }
    pending = false;
    htmx.ajax("GET", el.dataset.refresh, { target: "#screen", swap: "outerHTML" });
  }

  ["pointerdown", "keydown", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function () { lastTouch = Date.now(); }, { capture: true, passive: true });
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print-now]")) printSlip();
  });

  function start() {
    printIfAsked();
    document.body.addEventListener("htmx:afterSettle", printIfAsked);
    document.body.addEventListener("catalogue-changed", function () {
      if (pending) return;
      pending = true;
      refreshStart();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
