/* The lobby display's voice: every call announced, in order, one at a time.
 *
 * Calls reach offer() from live.js (the "state" push lists the calls of the last 30 s) and
 * from every board fetched on (re)connect (#board data-calls). A call is announced once: only
 * calls with an event id above the last one announced (kept in localStorage, so a reload does
 * not repeat one), and none that is more than 30 s old when it arrives (a display coming back
 * after a restart does not replay the morning).
 *
 * An announcement: the chime, then the call in each of the office's languages, in order. The
 * queue plays strictly one clip after another (Web Audio, one gain node for the volume), never
 * two at once, none skipped. Only when calls come faster than they can be read out, for long
 * (more than ten waiting, or one waiting for more than 90 s), does the oldest waiting call give
 * way: it is on the board's last calls already, and announcing it minutes late helps nobody.
 *
 * A call's audio is fetched when its turn comes (and the next call's while it plays): the
 * server has it cached, the browser too (the URL is the content's hash), so it is there before
 * the chime has ended. If a clip cannot be fetched or played the call is still shown, the rest
 * is played, and the problem is reported to the server, which logs it.
 *
 * Chromium on a display runs with --autoplay-policy=no-user-gesture-required; without it the
 * sound stays off (a "Sound is off" badge shows) until someone clicks the page once.
 *
 * window.kioskAnnouncer exposes the recent announcements (log), counters and the queue, for
 * the browser tests and bench/soak_display.py.
 */
(function () {
  "use strict";
  var body = document.body;
  if (body.dataset.liveView !== "display") return;

  var WINDOW_MS = 30000; // a call older than this when it arrives is not announced
  var MAX_WAIT_MS = 90000; // a call still queued after this is dropped: too late to help
  var MAX_QUEUE = 10; // calls waiting to be announced; beyond, the oldest waiting is dropped
  var GAP_MS = 300; // silence between two languages
  var LOG_SIZE = 50;
  var CACHE_SIZE = 16; // decoded clips kept, most recently used (the chime stays)
  var STORE = "kiosk.lastAnnounced." + body.dataset.liveOffice;

  var volume = Math.max(0, Math.min(100, Number(body.dataset.volume || 80))) / 100;
  var speechOn = body.dataset.speech !== "off" && volume > 0;
  var chimeUrl = body.dataset.chime;
  var soundOff = document.getElementById("sound-off");

  var queue = [];
  var busy = false;
  var log = [];
  var stats = { offered: 0, announced: 0, dropped: 0, failed: 0, silent: 0 };
  var ctx = null;
  var gain = null;
  var buffers = new Map(); // url -> Promise<AudioBuffer>, in order of use
  var reported = new Map(); // message -> time, so a broken speaker is not reported every call

  function now() { return Date.now(); }

  function stored() {
    try { return Number(localStorage.getItem(STORE) || 0); } catch (e) { return 0; }
  }
  function store(id) {
    try { localStorage.setItem(STORE, String(id)); } catch (e) { /* storage off: memory only */ }
  }

  function boardCalls() {
    var board = document.getElementById("board");
    if (!board || !board.dataset.calls) return [];
    try { return JSON.parse(board.dataset.calls) || []; } catch (e) { return []; }
  }

  // On a fresh page nothing already on the board is announced again; after a reload, calls
  // since the last one announced are (within the 30 s window). A stored id beyond the office's
  // newest event (a database started afresh) is forgotten.
  var boardEl = document.getElementById("board");
  var version = boardEl ? Number(boardEl.dataset.version || 0) : 0;
  var lastAnnounced = stored();
  if (!lastAnnounced || lastAnnounced > version) {
    lastAnnounced = boardCalls().reduce(function (m, c) { return Math.max(m, c.id); }, 0);
    store(lastAnnounced);
  }
  var speaking = null;

  // ---------------------------------------------------------------- audio

  function audio() {
    if (!ctx) {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      ctx = new Ctx();
      gain = ctx.createGain();
      gain.gain.value = volume;
      gain.connect(ctx.destination);
    }
    return ctx;
  }

  function load(url) {
    if (buffers.has(url)) {
      var hit = buffers.get(url);
      buffers.delete(url);
      buffers.set(url, hit);
      return hit;
    }
    var promise = fetch(url, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.arrayBuffer();
      })
      .then(function (data) { return audio().decodeAudioData(data); });
    promise.catch(function () { buffers.delete(url); });
    buffers.set(url, promise);
    while (buffers.size > CACHE_SIZE) {
      var oldest = buffers.keys().next().value;
      if (oldest === chimeUrl) { var c = buffers.get(oldest); buffers.delete(oldest); buffers.set(oldest, c); continue; }
      buffers.delete(oldest);
    }
    return promise;
  }

  function play(buffer) {
    return new Promise(function (resolve) {
      var source = ctx.createBufferSource();
      var done = false;
      var timer = null;
      function finish() {
        if (done) return;
        done = true;
        clearTimeout(timer);
        source.onended = null;
        try { source.disconnect(); } catch (e) { /* already */ }
        resolve();
      }
      source.buffer = buffer;
      source.connect(gain);
      source.onended = finish;
      // If the audio device stalls, the queue must not: give up a little after the clip's end.
      timer = setTimeout(finish, buffer.duration * 1000 + 2000);
      source.start();
    });
  }

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function running() {
    var c = audio();
    if (c.state === "running") return Promise.resolve(true);
    return Promise.race([c.resume().catch(function () {}), sleep(400)]).then(function () {
      return c.state === "running";
    });
  }

  function setSoundOff(off) {
    if (soundOff) soundOff.hidden = !off;
  }

  // A click wakes the audio up where Chromium was started without the autoplay flag.
  document.addEventListener("click", function () {
    if (ctx && ctx.state !== "running") ctx.resume().then(function () { setSoundOff(false); });
  });

  function report(error, url) {
    var message = String(error && error.message ? error.message : error);
    var last = reported.get(message);
    if (last && now() - last < 60000) return;
    reported.set(message, now());
    if (reported.size > 50) reported.clear();
    var headers = { "Content-Type": "application/json" };
    try { Object.assign(headers, JSON.parse(body.getAttribute("hx-headers") || "{}")); } catch (e) { /* none */ }
    fetch(body.dataset.problems, {
      method: "POST",
      headers: headers,
      credentials: "same-origin",
      body: JSON.stringify({ error: message, url: url || "", page: location.pathname }),
    }).catch(function () { /* offline: the badge already says so */ });
  }

  // ---------------------------------------------------------------- the queue

  // The call being spoken is outlined in the last calls (the newest pulses by itself).
  function mark(id, on) {
    speaking = on ? id : null;
    // One selector for every call (a selector per call id would fill Blink's selector cache).
    var key = String(id);
    document.querySelectorAll(".d-recent-list [data-event]").forEach(function (el) {
      if (el.dataset.event === key) el.classList.toggle("d-speaking", on);
    });
  }

  function record(entry) {
    log.push(entry);
    if (log.length > LOG_SIZE) log.shift();
  }

  function announce(item) {
    var call = item.call;
    var entry = {
      id: call.id, code: call.code, counter: call.counter, kind: call.kind,
      calledAt: item.calledAt, arrived: item.arrived, started: null, chime: null,
      clips: [], ended: null, sound: false, dropped: false, errors: [],
    };
    record(entry);
    if (now() - item.calledAt > MAX_WAIT_MS) {
      entry.dropped = true;
      entry.ended = now();
      stats.dropped += 1;
      return Promise.resolve();
    }
    mark(call.id, true);
    var work;
    if (!speechOn) {
      stats.silent += 1;
      work = Promise.resolve();
    } else {
      work = running().then(function (isRunning) {
        setSoundOff(!isRunning);
        if (!isRunning) {
          stats.silent += 1;
          report("audio is blocked: start Chromium with --autoplay-policy=no-user-gesture-required");
          return;
        }
        // This call's audio is fetched now (cached by the server and the browser, it is there
        // before the chime ends), and the next call's too; decoded audio is kept for a few
        // calls only, so a long queue holds no audio.
        var clips = item.clips.map(function (c) {
          var p = load(c.url);
          p.catch(function () { /* reported when its turn comes */ });
          return { lang: c.lang, url: c.url, promise: p };
        });
        prefetch(queue[0]);
        var steps = Promise.resolve();
        steps = steps.then(function () { return load(chimeUrl); }).then(function (buffer) {
          entry.started = entry.chime = now();
          return play(buffer);
        }).catch(function (err) { entry.errors.push(String(err)); report(err, chimeUrl); });
        clips.forEach(function (clip, index) {
          steps = steps.then(function () {
            return clip.promise.then(function (buffer) {
              return sleep(index ? GAP_MS : 150).then(function () {
                var t = now();
                if (!entry.started) entry.started = t;
                entry.clips.push({ lang: clip.lang, start: t });
                return play(buffer);
              });
            }).catch(function (err) {
              entry.errors.push(clip.lang + ": " + err);
              report(err, clip.url);
            });
          });
        });
        return steps.then(function () { entry.sound = entry.clips.length > 0; });
      });
    }
    return work.then(function () {
      entry.ended = now();
      if (entry.errors.length) stats.failed += 1;
      stats.announced += 1;
      mark(call.id, false);
      body.dispatchEvent(new CustomEvent("call-announced", { detail: { id: call.id } }));
    });
  }

  function prefetch(item) {
    if (!speechOn || !item) return;
    load(chimeUrl).catch(function () {});
    item.clips.forEach(function (c) { load(c.url).catch(function () {}); });
  }

  function drop(item) {
    stats.dropped += 1;
    record({
      id: item.call.id, code: item.call.code, counter: item.call.counter, kind: item.call.kind,
      calledAt: item.calledAt, arrived: item.arrived, started: null, chime: null, clips: [],
      ended: now(), sound: false, dropped: true, errors: [],
    });
  }

  function pump() {
    if (busy || !queue.length) return;
    busy = true;
    var item = queue.shift();
    announce(item).catch(function (err) { report(err); }).then(function () {
      busy = false;
      pump();
    });
  }

  function offer(calls) {
    if (!Array.isArray(calls)) return;
    var fresh = calls
      .filter(function (c) { return c && c.id > lastAnnounced && (c.age || 0) * 1000 <= WINDOW_MS; })
      .sort(function (a, b) { return a.id - b.id; });
    fresh.forEach(function (call) {
      lastAnnounced = call.id;
      stats.offered += 1;
      var arrived = now();
      var clips = speechOn ? (call.clips || []).filter(function (c) { return c.url; }) : [];
      var item = {
        call: call,
        arrived: arrived,
        calledAt: arrived - (call.age || 0) * 1000,
        clips: clips.map(function (c) { return { lang: c.lang, url: c.url }; }),
      };
      if (!busy && !queue.length) prefetch(item); // its turn is now: get its audio at once
      queue.push(item);
      // More calls than a loudspeaker can read out (a burst of ten is announced in full): the
      // oldest waiting call gives way, it is on the board's last calls already.
      while (queue.length > MAX_QUEUE) drop(queue.shift());
      body.dispatchEvent(new CustomEvent("call-queued", { detail: { id: call.id } }));
    });
    if (fresh.length) store(lastAnnounced);
    pump();
  }

  // ---------------------------------------------------------------- the board

  // A board that shows the same latest call again (a ticket issued, a counter closed) must not
  // pulse again: only a new call is highlighted.
  var shownEvent = currentEvent();
  function currentEvent() {
    var call = document.querySelector("#board .d-call");
    return call ? call.dataset.event : null;
  }
  function boardChanged() {
    var call = document.querySelector("#board .d-call");
    var event = call ? call.dataset.event : null;
    if (call && event === shownEvent) call.classList.add("d-call-seen");
    shownEvent = event;
    if (speaking) mark(speaking, true);
  }
  body.addEventListener("board-updated", function (evt) {
    // A board fetched (on a reconnect, or by the poll) brings the calls made while away: those
    // still fresh are announced. A pushed board's calls came with the push (live.js).
    if (evt.detail.how !== "push") offer(boardCalls());
    boardChanged();
  });
  body.addEventListener("notices-updated", function () { pageNotices(true); });

  // ---------------------------------------------------------------- notices

  // When the notices do not all fit, show them a page at a time, turning every 15 s.
  var page = 0;
  function pageNotices(reset) {
    var region = document.getElementById("notices");
    var list = region && region.querySelector(".d-notice-list");
    if (!list) return;
    var items = Array.prototype.slice.call(list.children);
    if (reset) page = 0;
    items.forEach(function (el) { el.hidden = false; });
    if (region.scrollHeight <= region.clientHeight + 1) { // everything fits
      pageDots(region, 0, 0);
      return;
    }
    var room = region.getBoundingClientRect().bottom - list.getBoundingClientRect().top - 12;
    var gap = parseFloat(getComputedStyle(list).rowGap) || 0;
    var pages = [[]];
    var used = 0;
    items.forEach(function (el) {
      var height = el.getBoundingClientRect().height;
      if (pages[pages.length - 1].length && used + height > room) { pages.push([]); used = 0; }
      pages[pages.length - 1].push(el);
      used += height + gap;
    });
    var shown = pages[page % pages.length];
    pageDots(region, pages.length, page % pages.length);
    items.forEach(function (el) { el.hidden = shown.indexOf(el) < 0; });
    list.classList.remove("d-notices-page");
    void list.offsetWidth; // restart the fade
    list.classList.add("d-notices-page");
  }
  // Which page is showing, as dots beside the title, so that nobody waits for a notice that
  // is only on the next page without knowing there is one.
  function pageDots(region, count, current) {
    var dots = region.querySelector(".d-notice-pages");
    if (count < 2) {
      if (dots) dots.remove();
      return;
    }
    if (!dots) {
      dots = document.createElement("span");
      dots.className = "d-notice-pages";
      dots.setAttribute("aria-hidden", "true");
      region.querySelector(".d-label").appendChild(dots);
    }
    var html = "";
    for (var i = 0; i < count; i++) html += i === current ? '<i class="on"></i>' : "<i></i>";
    dots.innerHTML = html;
  }
  setInterval(function () {
    page += 1;
    pageNotices(false);
    // Each audio clip and board fetched leaves a resource timing entry; nobody reads them here.
    if (window.performance && performance.clearResourceTimings) performance.clearResourceTimings();
  }, 15000);
  window.addEventListener("load", function () { pageNotices(true); });

  window.kioskDisplay = { offer: offer };
  window.kioskAnnouncer = {
    log: log,
    stats: stats,
    queueLength: function () { return queue.length; },
    busy: function () { return busy; },
    lastAnnounced: function () { return lastAnnounced; },
  };
})();
