/* Live updates for displays, counter screens, clerks' screens, kiosks and the pairing screen.
 *
 * The page's <body> names its office and view (data-live-office, data-live-view, and
 * data-live-counter on a counter screen); a kiosk's notices region names its office with
 * data-live-kiosk. A display authenticates with its device cookie, sent with the handshake.
 * - On every (re)connect, each live region fetches its full state: the regions this script
 *   applies itself (data-live-src, see applyRegion), and the htmx regions listening for the
 *   "resync" event it fires. The former are fetched again every minute as a safety net.
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

  function versionOf(region) { return Number(region.dataset.version || 0); }

  // The regions this script keeps current itself: a display's board and notices, a counter
  // screen's panel (data-live-src names where to fetch each). A push, the fetch on every
  // (re)connect and the one-minute safety poll all go through applyRegion, without htmx: it
  // copies the fresh region's attributes onto the region and replaces its children, so the
  // region element stays and nothing inside needs htmx. A display applies a board every
  // second or so for weeks; htmx's swap would cost far more work, and far more code for V8 to
  // compile as it warms up. `how` is "push", "poll" or "resync"; a fresh region older than
  // the one shown (data-version) is applied only on a resync, the answer to a (re)connect,
  // which is taken as it is (the server's database may have started afresh).
  var parser = document.createElement("template");
  var latestFetch = {}; // region id -> number of its latest fetch: only that answer is applied
  function applyRegion(id, html, how) {
    var region = document.getElementById(id);
    if (!region || typeof html !== "string") return;
    if (how === "push") latestFetch[id] = (latestFetch[id] || 0) + 1; // a fetch in flight is older
    parser.innerHTML = html;
    var fresh = parser.content.firstElementChild;
    parser.innerHTML = ""; // fresh stays, detached
    if (!fresh || fresh.id !== id) return;
    if (how !== "resync" && versionOf(fresh) < versionOf(region)) return;
    for (var i = region.attributes.length - 1; i >= 0; i--) {
      var name = region.attributes[i].name;
      if (!fresh.hasAttribute(name)) region.removeAttribute(name);
    }
    for (var j = 0; j < fresh.attributes.length; j++) {
      var attr = fresh.attributes[j];
      if (region.getAttribute(attr.name) !== attr.value) region.setAttribute(attr.name, attr.value);
    }
    region.replaceChildren.apply(region, fresh.childNodes);
    // "board-updated", "notices-updated" or "counter-panel-updated"
    body.dispatchEvent(new CustomEvent(id + "-updated", {
      detail: { version: versionOf(region), how: how },
    }));
  }

  function refreshRegions(how) {
    document.querySelectorAll("[data-live-src]").forEach(function (region) {
      var id = region.id;
      var n = (latestFetch[id] || 0) + 1;
      latestFetch[id] = n;
      fetch(region.dataset.liveSrc, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null && latestFetch[id] === n) applyRegion(id, html, how); })
        .catch(function () { /* offline: the badge says so; the reconnect fetches again */ });
    });
  }
  if (document.querySelector("[data-live-src]")) {
    setInterval(function () { refreshRegions("poll"); }, 60000);
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
      refreshRegions("resync");
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
      applyRegion("board", msg && msg.html, "push");
    });
    socket.on("counter", function (msg) { applyRegion("counter-panel", msg && msg.html, "push"); });
    socket.on("announcements", function (msg) {
      if (msg && typeof msg.html === "string" && document.getElementById("notices")) {
        applyRegion("notices", msg.html, "push");
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
