// Lesson videos: the teacher's upload in chunks (resumed after a cut: choosing the same
// file again goes on from what the server has), and the student's player (Video.js with
// its HLS engine) that starts at the lowest rendition, offers a quality choice, resumes
// where the student stopped and reports the stretches played.
(function () {
  "use strict";

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }

  function post(url, body, type) {
    var headers = { "X-CSRF-Token": csrf() };
    if (type) headers["Content-Type"] = type;
    return fetch(url, { method: "POST", headers: headers, body: body, credentials: "same-origin" });
  }

  // ------------------------------------------------------------------ upload

  function upload(form) {
    var input = form.querySelector('input[type="file"]');
    var bar = document.getElementById("video-progress");
    var status = document.getElementById("video-status");
    var button = form.querySelector('button[type="submit"]');
    function say(text) { status.textContent = text; }
    function show(done, size) {
      bar.hidden = false;
      bar.value = size ? Math.floor((done * 100) / size) : 0;
      say(form.getAttribute("data-sending") + " " + bar.value + " %");
    }
    async function failed(res) {
      try { var j = await res.json(); say(j.error || res.statusText); } catch (e) { say(res.statusText); }
      button.disabled = false;
    }
    form.addEventListener("submit", async function (e) {
      e.preventDefault();
      var file = input.files && input.files[0];
      if (!file) return;
      button.disabled = true;
      var params = new URLSearchParams({ name: file.name, size: String(file.size) });
      var res = await post(form.getAttribute("data-start"), params, "application/x-www-form-urlencoded");
      if (!res.ok) return failed(res);
      var plan = await res.json();
      var offset = plan.offset, tries = 0;
      show(offset, plan.size);
      while (offset < plan.size) {
        var piece = file.slice(offset, Math.min(offset + plan.chunk, plan.size));
        var r;
        try {
          r = await post(plan.next + "&debut=" + offset, piece, "application/octet-stream");
        } catch (err) {
          r = null;
        }
        if (r && r.status === 409) {
          offset = (await r.json()).offset;
          continue;
        }
        if (!r || r.status >= 500) {
          // A cut link: wait, then try again from where the server stands.
          tries += 1;
          say(form.getAttribute("data-retry"));
          await new Promise(function (ok) { setTimeout(ok, Math.min(30000, 1000 * Math.pow(2, tries))); });
          continue;
        }
        if (!r.ok) return failed(r);
        tries = 0;
        var got = await r.json();
        offset = got.offset;
        show(offset, plan.size);
        if (got.done) {
          say(form.getAttribute("data-done"));
          window.location.href = got.job;
          return;
        }
      }
    });
  }

  // ------------------------------------------------------------------ player

  function stretches(ranges) {
    var out = [];
    for (var i = 0; i < ranges.length; i++) {
      out.push(ranges.start(i).toFixed(1) + "-" + ranges.end(i).toFixed(1));
    }
    return out.join(",");
  }

  function slowLink() {
    var c = navigator.connection;
    return !!(c && (c.saveData || /(^|-)2g|3g/.test(c.effectiveType || "")));
  }

  function play(el) {
    var player = window.videojs(el, {
      language: document.documentElement.lang,
      playbackRates: [0.75, 1, 1.25, 1.5],
      html5: {
        vhs: {
          // The first segment comes from the smallest rendition; the engine climbs as the
          // link allows.
          enableLowInitialPlaylist: true,
          useBandwidthFromLocalStorage: false,
          overrideNative: true,
        },
      },
    });
    var master = { src: el.getAttribute("data-src"), type: "application/x-mpegURL" };
    player.src(master);
    window.suku = window.suku || {};
    window.suku.players = window.suku.players || [];
    window.suku.players.push(player);

    var resume = parseFloat(el.getAttribute("data-resume") || "0");
    player.one("loadedmetadata", function () {
      if (resume > 3 && resume < player.duration() - 3) player.currentTime(resume);
    });

    // The quality: "auto" (the engine's choice), a height, or "audio" (the sound-only
    // playlist).
    var select = document.querySelector('select[data-quality-for="' + el.id + '"]');
    var audio = el.getAttribute("data-audio");
    var mode = "auto", onAudio = false;
    var levels = player.qualityLevels();
    function apply() {
      for (var i = 0; i < levels.length; i++) {
        levels[i].enabled = mode === "auto" || String(levels[i].height) === mode;
      }
    }
    levels.on("addqualitylevel", apply);
    function choose(value) {
      var at = player.currentTime(), paused = player.paused();
      mode = value;
      if (value === "audio" && audio) {
        onAudio = true;
        player.src({ src: audio, type: "application/x-mpegURL" });
      } else if (onAudio) {
        onAudio = false;
        player.src(master);
      } else {
        apply();
        return;
      }
      player.one("loadedmetadata", function () {
        player.currentTime(at);
        if (!paused) player.play();
      });
    }
    if (select) {
      // A slow or saving link keeps to the smallest pictures unless the student asks.
      if (slowLink() && select.options.length > 1) {
        select.value = select.options[1].value;
        mode = select.value;
      }
      select.addEventListener("change", function () { choose(select.value); });
    }

    var report = el.getAttribute("data-report");
    if (!report) return;
    var last = 0;
    function send(beacon) {
      if (onAudio && !player.played().length) return;
      var body = new URLSearchParams({
        position: String(player.currentTime() || 0),
        played: stretches(player.played()),
        _csrf: csrf(),
      });
      if (beacon && navigator.sendBeacon) {
        navigator.sendBeacon(report, body);
      } else {
        post(report, body, "application/x-www-form-urlencoded").catch(function () {});
      }
    }
    player.on("timeupdate", function () {
      var now = Date.now();
      if (now - last > 15000) { last = now; send(false); }
    });
    player.on("pause", function () { send(false); });
    player.on("ended", function () { send(false); });
    window.addEventListener("pagehide", function () { send(true); });
  }

  function start() {
    var form = document.getElementById("video-upload");
    if (form) upload(form);
    if (!window.videojs) return;
    document.querySelectorAll("video-js[data-src]").forEach(play);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
