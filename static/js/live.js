/* Live updates for displays, counter screens, clerks' screens, kiosks and the pairing screen.
 *
 * The page's <body> names its office and view (data-live-office, data-live-view, and
 * data-live-counter on a counter screen); a kiosk's notices region names its office with
 * data-live-kiosk. A display authenticates with its device cookie, sent with the handshake.
 * - On every (re)connect, fire "resync": each live region fetches its full state (hx-trigger).
 * - "state" (displays): the board already rendered by the server, applied unless it is older
 *   than what is shown (messages from several server processes may arrive out of order). Its
 *   calls go to display.js to be announced, whether or not the board itself is applied.
 * - "counter" (counter screens): the counter's panel, the same way.
 * - "announcements": the display's notices, rendered; kiosks fetch theirs in their language.
 * - "queue" (clerks; kiosks and phone pages too): fire "queue-changed"; each region fetches its
 *   own view (a counter's panel, a ticket's place). A region swapped in older than the newest
 *   signal (data-queue-version, see latestQueue) fetches itself again.
 * - "catalogue" (kiosks): fire "catalogue-changed"; an idle start screen fetches itself.
 * - "paired", "revoked", "reload": this screen's pairing changed; go where the server says.
 * - While disconnected an offline badge shows, so nobody trusts a stale screen. Socket.IO
 *   reconnects with a randomised back-off (1 s growing to 15 s).
 */
(function () {
  "use strict";
  if (window.__kioskLive) return; // a kiosk may insert this script again with a swapped screen
  window.__kioskLive = true;

  var body = document.body;
  var kioskRegion = document.querySelector("[data-live-kiosk]");
  var view = body.dataset.liveView || (kioskRegion ? "kiosk" : null);
  var office = body.dataset.liveOffice || (kioskRegion ? kioskRegion.dataset.liveKiosk : null);
  var offline = document.getElementById("offline");

  function setOffline(isOffline) {
    if (offline) offline.hidden = !isOffline;
    body.classList.toggle("is-offline", isOffline);
  }

  function shownVersion(id) {
    var region = document.getElementById(id);
    return region ? Number(region.dataset.version || 0) : 0;
  }

  // A pushed board or counter panel replaces the region's attributes and content, not the
  // region itself: its htmx triggers (the resync and the slow poll) stay bound, and nothing
  // inside it needs htmx (no hx- attributes below the region). A display applies a push every
  // second or so for weeks; this keeps that work, and the code V8 compiles for it, small.
  var parser = document.createElement("template");
  function applyIfNewer(id, msg) {
    if (!msg || typeof msg.html !== "string" || msg.version < shownVersion(id)) return false;
    var region = document.getElementById(id);
    if (!region) return false;
    parser.innerHTML = msg.html;
    var fresh = parser.content.firstElementChild;
    if (!fresh || fresh.id !== id) { parser.innerHTML = ""; return false; }
    for (var i = region.attributes.length - 1; i >= 0; i--) {
      var name = region.attributes[i].name;
      if (!fresh.hasAttribute(name)) region.removeAttribute(name);
    }
    for (var j = 0; j < fresh.attributes.length; j++) {
      var attr = fresh.attributes[j];
      if (region.getAttribute(attr.name) !== attr.value) region.setAttribute(attr.name, attr.value);
    }
    region.replaceChildren.apply(region, fresh.childNodes);
    parser.innerHTML = "";
    return true;
  }

  // The newest office version a "queue" signal announced. A region that follows the queue (a
  // clerk's queue panel, a phone page's place) names the version it was rendered at
  // (data-queue-version); one swapped in older than that fetches itself again: the answer to a
  // clerk's own click rendered just before another counter's call, or a signal that came while
  // the region was being replaced.
  var latestQueue = 0;
  body.addEventListener("htmx:afterSettle", function () {
    var stale = Array.prototype.some.call(
      document.querySelectorAll("[data-queue-version]"),
      function (el) { return Number(el.dataset.queueVersion) < latestQueue; }
    );
    if (stale) htmx.trigger(body, "queue-changed");
  });

  // A board or counter panel fetched by the slow poll may have been rendered just before a
  // call whose push is already shown: never swap an older one in. On (re)connect the server's
  // answer is taken as it is (its database may have started afresh).
  body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || (target.id !== "board" && target.id !== "counter-panel")) return;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (trigger && trigger.type === "resync") return;
    var match = /data-version="(\d+)"/.exec(event.detail.serverResponse || "");
    if (match && Number(match[1]) < shownVersion(target.id)) event.detail.shouldSwap = false;
  });

  if (view && (office || view === "pairing") && window.io) {
    var auth = { view: view, office: office };
    if (body.dataset.liveCounter) auth.counter = Number(body.dataset.liveCounter);
    var socket = io({
      transports: ["websocket"],
      auth: auth,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 15000,
      randomizationFactor: 0.5,
    });
    var REFUSED = "kiosk.refusals";
    var connectedBefore = false;
    socket.on("connect", function () {
      try { sessionStorage.removeItem(REFUSED); } catch (e) { /* storage off: no matter */ }
      setOffline(false);
      // detail.first: the page was rendered just now; a region that can wait for its next
      // poll (a kiosk's notices) skips this fetch (hx-trigger="resync[!detail.first]").
      htmx.trigger(body, "resync", { first: !connectedBefore });
      connectedBefore = true;
    });
    socket.on("disconnect", function () { setOffline(true); });
    socket.on("connect_error", function () {
      setOffline(true);
      if (socket.active) return; // a network fault: Socket.IO retries by itself
      // Refused by the server. A screen reloads to ask the server what to show (its board
      // again, or the pairing screen if it was revoked), waiting longer after each refusal;
      // other pages retry slowly rather than never.
      if (view === "display" || view === "counter" || view === "pairing") {
        var count = 0;
        try { count = Number(sessionStorage.getItem(REFUSED) || 0); sessionStorage.setItem(REFUSED, count + 1); } catch (e) { count = 4; }
        setTimeout(function () { location.reload(); }, Math.min(60000, 3000 * Math.pow(2, count)));
      } else {
        setTimeout(function () { socket.connect(); }, 15000);
      }
    });
    socket.on("state", function (msg) {
      if (msg && msg.calls && window.kioskDisplay) window.kioskDisplay.offer(msg.calls);
      if (applyIfNewer("board", msg)) {
        body.dispatchEvent(new CustomEvent("board-updated", { detail: { version: msg.version } }));
      }
    });
    socket.on("counter", function (msg) { applyIfNewer("counter-panel", msg); });
    socket.on("announcements", function (msg) {
      if (msg && typeof msg.html === "string" && document.getElementById("notices")) {
        htmx.swap("#notices", msg.html, { swapStyle: "outerHTML" });
        body.dispatchEvent(new CustomEvent("notices-updated"));
      } else {
        htmx.trigger(body, "announcements-changed");
      }
    });
    socket.on("queue", function (msg) {
      if (msg && msg.version > latestQueue) latestQueue = msg.version;
      htmx.trigger(body, "queue-changed");
    });
    socket.on("catalogue", function () { htmx.trigger(body, "catalogue-changed"); });
    socket.on("paired", function (msg) { location.assign((msg && msg.url) || location.href); });
    socket.on("revoked", function (msg) {
      location.assign((msg && msg.url) || body.dataset.pairing || "/display/");
    });
    socket.on("reload", function () { location.reload(); });
    window.kioskSocket = socket;
  }

  // Running timers: <time data-since="ISO"> shows m:ss since then, or its data-format with {n}
  // the whole minutes (a wait: "12 min"); and the clock.
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time[data-since]").forEach(function (el) {
      var secs = Math.max(0, Math.floor((now - Date.parse(el.dataset.since)) / 1000));
      var h = Math.floor(secs / 3600), m = Math.floor((secs % 3600) / 60), s = secs % 60;
      var text = el.dataset.format ? el.dataset.format.replace("{n}", Math.floor(secs / 60))
        : h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
      if (el.textContent !== text) el.textContent = text;
    });
    var clock = document.getElementById("clock");
    if (clock) {
      // The time ticks here; the date comes from the server (browsers often lack mk/sq data).
      var region = document.getElementById("board") || document.getElementById("counter-panel");
      var d = new Date();
      var time = d.toLocaleTimeString("en-GB", {
        hour: "2-digit", minute: "2-digit", hour12: false, timeZone: body.dataset.timezone || undefined,
      });
      var timeEl = clock.querySelector(".d-clock-time");
      var dateEl = clock.querySelector(".d-clock-date");
      if (timeEl.textContent !== time) timeEl.textContent = time;
      var date = region ? region.dataset.date || "" : "";
      if (dateEl && dateEl.textContent !== date) dateEl.textContent = date;
      clock.setAttribute("datetime", d.toISOString());
    }
  }
  tick();
  setInterval(tick, 1000);
})();
