// Suku: the little JavaScript the portal needs on top of htmx. Pages work without it.
(function () {
  "use strict";
  // Styles may count on JavaScript (a form sent on change needs no button).
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      // Show server messages for validation errors and failures instead of swallowing them.
      htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "422", swap: true },
        { code: "[45]..", swap: true, error: true },
      ];
      htmx.config.historyCacheSize = 5;
    }
  });
  // Every htmx request carries the session's CSRF token. (htmx attributes are not inherited
  // in this portal, htmx.config.disableInheritance: an element says what it does itself;
  // only the body's hx-boost reaches the links and forms below it.)
  document.addEventListener("htmx:configRequest", function (e) {
    var m = document.querySelector('meta[name="csrf-token"]');
    if (m) e.detail.headers["X-CSRF-Token"] = m.getAttribute("content");
  });
  // The phone's menu opens over the page and closes with a second tap (without JavaScript
  // the link to #site-menu opens it, and "Fermer" closes it).
  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-menu-toggle]");
    if (!t) return;
    var top = document.querySelector("header.top");
    if (!top) return;
    e.preventDefault();
    top.classList.toggle("menu-open");
  });
  // Roll call: tapping a name (or Enter on it) moves the student from present to absent to
  // late and back; the row shows the state, and late puts the cursor in the minutes.
  function cycle(th) {
    var row = th.closest("tr");
    var radios = row.querySelectorAll('input[type="radio"]');
    if (!radios.length) return;
    var i = Array.prototype.findIndex.call(radios, function (r) { return r.checked; });
    var next = radios[(i + 1) % radios.length];
    next.checked = true;
    next.dispatchEvent(new Event("change", { bubbles: true }));
    if (next.value === "retard") {
      var m = row.querySelector("input.mark");
      if (m) m.focus();
    }
  }
  document.addEventListener("click", function (e) {
    var th = e.target.closest && e.target.closest("[data-roll-call] [data-cycle]");
    if (th) cycle(th);
  });
  document.addEventListener("keydown", function (e) {
    var th = e.target.matches && e.target.matches("[data-roll-call] [data-cycle]") ? e.target : null;
    if (th && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); cycle(th); }
  });
  document.addEventListener("change", function (e) {
    var r = e.target;
    if (!r.matches || !r.matches('[data-roll-call] input[type="radio"]')) return;
    var row = r.closest("tr");
    row.className = "is-" + r.value;
  });
  // Login: "Téléphone / E-mail" changes the phone's keyboard in place (digits for a phone
  // number, letters and @ for an e-mail) and the example under the field; without
  // JavaScript the same links reload the page with that keyboard.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[data-login-kind]");
    if (!a) return;
    var form = a.closest("form"), input = form && form.querySelector("#login");
    if (!input) return;
    e.preventDefault();
    input.setAttribute("inputmode", a.getAttribute("data-input-mode"));
    var label = form.querySelector("#login-label"), help = form.querySelector("#login-help");
    if (label) label.textContent = a.getAttribute("data-label");
    if (help) help.textContent = a.getAttribute("data-help");
    var field = form.querySelector("[data-login-kind-field]");
    if (field) field.value = a.getAttribute("data-login-kind");
    form.querySelectorAll("a[data-login-kind]").forEach(function (o) {
      if (o === a) o.setAttribute("aria-current", "true"); else o.removeAttribute("aria-current");
    });
    // A keyboard already open keeps its kind until the field is focused again.
    input.blur();
    input.focus();
  });
  // "Show the password": the box names the fields it uncovers.
  document.addEventListener("change", function (e) {
    var box = e.target;
    var ids = box.getAttribute && box.getAttribute("data-show-password");
    if (!ids) return;
    ids.split(" ").forEach(function (id) {
      var f = document.getElementById(id);
      if (f) f.type = box.checked ? "text" : "password";
    });
  });
  // Print buttons: the page allows no inline script.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-print]");
    if (b) { e.preventDefault(); window.print(); }
  });
  // A form that stays on the page (the chat composer) empties itself once sent, and clears
  // the error box it names.
  document.addEventListener("htmx:afterRequest", function (e) {
    var f = e.detail.elt;
    if (!e.detail.successful || !f.matches || !f.matches("form[data-reset-on-success]")) return;
    f.reset();
    var box = document.getElementById(f.getAttribute("data-reset-on-success"));
    if (box) box.textContent = "";
  });
  // Mark entry: Enter (or ↓) goes to the next student, Shift+Enter (or ↑) to the previous;
  // pasting a column from a spreadsheet fills the cells below, one line each.
  function markInputs(from) {
    var grid = from.closest("[data-mark-grid]");
    return grid ? Array.prototype.slice.call(grid.querySelectorAll("input.mark:not([disabled])")) : [];
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("input.mark")) return;
    var list = markInputs(t), i = list.indexOf(t), step = 0;
    if (e.key === "Enter" || e.key === "ArrowDown") step = e.shiftKey ? -1 : 1;
    if (e.key === "ArrowUp") step = -1;
    if (!step) return;
    e.preventDefault();
    t.dispatchEvent(new Event("change", { bubbles: true }));
    var next = list[i + step];
    if (next) { next.focus(); next.select(); }
  });
  document.addEventListener("paste", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("input.mark")) return;
    var text = (e.clipboardData || window.clipboardData).getData("text");
    var lines = text.replace(/\r/g, "").split("\n");
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    if (lines.length < 2) return;
    e.preventDefault();
    var list = markInputs(t), i = list.indexOf(t);
    var grid = t.closest("[data-mark-grid]");
    var cells = grid && grid.querySelector("[data-cells]");
    var url = cells && cells.getAttribute("data-cells");
    var values = {}, filled = [];
    lines.forEach(function (line, k) {
      var input = list[i + k];
      if (!input) return;
      input.value = line.split("\t")[0].trim();
      values[input.name] = input.value;
      filled.push(input);
    });
    if (!url || !window.htmx) {
      filled.forEach(function (input) { input.dispatchEvent(new Event("change", { bubbles: true })); });
      return;
    }
    // The whole column in one request: each cell's state comes back out of band.
    filled.forEach(function (input) { pending(input); });
    sendColumn(cells, url, values, filled, 1);
  });
  // Fields that save themselves as they are typed: a mark, an appreciation.
  var SAVES_AS_TYPED = "input.mark[hx-post], [data-autosave][hx-post]";
  // An appreciation says it is being saved while its request runs (a mark is too quick
  // to need it).
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = sender(e);
    if (elt && elt.matches && elt.matches("[data-autosave][hx-post]")) pending(elt);
  });
  function stateBox(input) {
    var target = input.getAttribute("hx-target");
    return target ? document.querySelector(target) : null;
  }
  // The words of a grid's states: a gradebook's column, or a form whose fields save as
  // typed (the term's appreciations).
  function texts(input) {
    var grid = input.closest("[data-mark-grid], [data-autosave-form]");
    return (grid && grid.querySelector("[data-saving-text]")) || document.body;
  }
  function pending(input) {
    var box = stateBox(input);
    if (box) box.innerHTML = '<span class="state pending">' + texts(input).getAttribute("data-saving-text") + "</span>";
  }
  // A cell the server could not save (busy, down, the network) says so in a few words and
  // tries again, waiting a little longer each time; never a whole error page in the table.
  function retryLater(input) {
    var n = +(input.getAttribute("data-tries") || 0) + 1;
    input.setAttribute("data-tries", n);
    var box = stateBox(input);
    if (box) box.innerHTML = '<span class="state bad">' + texts(input).getAttribute("data-retry-text") + "</span>";
    setTimeout(function () { htmx.trigger(input, "change"); }, Math.min(10000, 1000 * n));
  }
  function sendColumn(cells, url, values, filled, attempt) {
    cells.sukuColumn = { url: url, values: values, filled: filled, attempt: attempt };
    htmx.ajax("POST", url, { source: cells, values: values, swap: "none" });
  }
  function resendColumn(cells) {
    var c = cells.sukuColumn;
    if (!c) return;
    setTimeout(function () { sendColumn(cells, c.url, c.values, c.filled, c.attempt + 1); }, Math.min(10000, 1000 * c.attempt));
  }
  // The element that sent a request (in htmx 2, detail.elt is the swap's target: a cell's
  // state box, not its input).
  function sender(e) {
    return (e.detail.requestConfig && e.detail.requestConfig.elt) || e.detail.elt;
  }
  document.addEventListener("htmx:beforeSwap", function (e) {
    var elt = sender(e);
    var st = e.detail.xhr ? e.detail.xhr.status : 0;
    var failed = st === 0 || st === 429 || st >= 500;
    if (elt && elt.matches && elt.matches("[data-cells]") && elt.sukuColumn) {
      if (failed) {
        // The column's request failed whole: it is sent again, the cells say so meanwhile.
        e.detail.shouldSwap = false;
        e.detail.isError = false;
        elt.sukuColumn.filled.forEach(function (input) {
          var box = stateBox(input);
          if (box) box.innerHTML = '<span class="state bad">' + elt.getAttribute("data-retry-text") + "</span>";
        });
        resendColumn(elt);
      } else {
        elt.sukuColumn = null;
      }
      return;
    }
    if (!elt || !elt.matches || !elt.matches(SAVES_AS_TYPED)) return;
    if (failed) {
      e.detail.shouldSwap = false;
      e.detail.isError = false;
      retryLater(elt);
    } else {
      elt.removeAttribute("data-tries");
    }
  });
  document.addEventListener("htmx:sendError", function (e) {
    var elt = sender(e);
    if (!elt || !elt.matches) return;
    if (elt.matches(SAVES_AS_TYPED)) retryLater(elt);
    else if (elt.matches("[data-cells]")) resendColumn(elt);
  });
  // Logging out drops this browser's push subscription (a shared computer must not show
  // the next person the previous one's notifications) and tells the server which it was.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (!f.matches || !f.matches('form[action="/deconnexion"]') || f.getAttribute("data-push-done")) return;
    // The dashboards kept for offline go too, and htmx's copies of the last pages.
    if ("serviceWorker" in navigator && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("logout");
    if ("caches" in window) caches.delete("suku-data").catch(function () {});
    try { localStorage.removeItem("htmx-history-cache"); } catch (err) { /* private mode */ }
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) return;
    // Before htmx's boost takes it: this one is a plain navigation.
    e.preventDefault();
    e.stopPropagation();
    f.setAttribute("data-push-done", "1");
    var sent = false;
    var go = function () { if (!sent) { sent = true; f.submit(); } };
    setTimeout(go, 1500);
    navigator.serviceWorker.getRegistration().then(function (reg) {
      return reg && reg.pushManager.getSubscription();
    }).then(function (sub) {
      if (!sub) return go();
      var input = document.createElement("input");
      input.type = "hidden"; input.name = "push_endpoint"; input.value = sub.endpoint;
      f.appendChild(input);
      return sub.unsubscribe().then(go, go);
    }).catch(go);
  }, true);
  // Irreversible or disruptive actions ask first (forms carry data-confirm, a translated text).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);
  // Real time: one Socket.IO connection per tab, with the session cookie. The server says
  // what changed; what is shown is always fetched from the server (htmx fragments).
  function live() {
    var me = document.body.getAttribute("data-user");
    if (!me || !window.io || !window.htmx) return;
    var socket = window.io({ transports: ["websocket", "polling"] });
    window.sukuSocket = socket;
    function chat() { return document.getElementById("chat"); }
    function here(id) { var c = chat(); return c && +c.getAttribute("data-conversation") === id; }
    function lastId() {
      var all = document.querySelectorAll("#messages li.message"), n = 0;
      all.forEach(function (li) { n = Math.max(n, +li.getAttribute("data-id")); });
      return n;
    }
    function dedupe() {
      var seen = {};
      document.querySelectorAll("#messages li.message").forEach(function (li) {
        var id = li.getAttribute("data-id");
        if (seen[id]) li.remove(); else seen[id] = true;
      });
    }
    function append(id) {
      if (document.getElementById("m" + id)) return;
      htmx.ajax("GET", "/messages/m/" + id, { target: "#messages", swap: "beforeend" }).then(dedupe);
    }
    socket.on("notification", function () { htmx.trigger(document.body, "suku:notification"); });
    socket.on("unread", function () { htmx.trigger(document.body, "suku:chat"); });
    socket.on("job", function () { htmx.trigger(document.body, "suku:job"); });
    socket.on("momo", function () { htmx.trigger(document.body, "suku:momo"); });
    socket.on("points", function () { htmx.trigger(document.body, "suku:points"); });
    socket.on("message", function (m) {
      if (here(m.conversation_id)) {
        append(m.id);
        var t = document.getElementById("typing"); if (t) t.textContent = "";
        if (String(m.author_id) !== me && !document.hidden) {
          socket.emit("read", { conversation_id: m.conversation_id, message_id: m.id });
        }
      } else {
        htmx.trigger(document.body, "suku:chat");
      }
    });
    socket.on("message-changed", function (m) {
      if (document.getElementById("m" + m.id)) {
        htmx.ajax("GET", "/messages/m/" + m.id, { target: "#m" + m.id, swap: "outerHTML" });
      }
    });
    socket.on("read", function (r) {
      if (!here(r.conversation_id) || String(r.user_id) === me) return;
      var el = document.querySelector("#messages [data-receipt]");
      var c = chat();
      if (!el) {
        el = document.createElement("li");
        el.className = "receipt muted";
        el.setAttribute("data-receipt", "");
        document.getElementById("messages").appendChild(el);
      }
      el.textContent = (c.getAttribute("data-read-text") || "✓ {names}").replace("{names}", r.name);
    });
    var typingTimer;
    socket.on("typing", function (d) {
      var t = document.getElementById("typing");
      if (!t || !here(d.conversation_id) || String(d.user_id) === me) return;
      t.textContent = (t.getAttribute("data-text") || "{name}…").replace("{name}", d.name);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { t.textContent = ""; }, 4000);
    });
    // After a lost connection, fetch what arrived meanwhile.
    function catchUp() {
      var c = chat();
      if (!c) return;
      var id = +c.getAttribute("data-conversation");
      socket.emit("sync", { conversation_id: id, after: lastId() }, function (r) {
        (r && r.messages || []).forEach(function (m) { append(m.id); });
      });
      htmx.trigger(document.body, "suku:chat");
    }
    socket.io.on("reconnect", catchUp);
    // The server closed the socket (a new school year, a change of rights): connect again
    // a little later, spread out, and catch up. A session that ended is refused then.
    var closedByServer = false;
    socket.on("disconnect", function (reason) {
      if (reason !== "io server disconnect") return;
      closedByServer = true;
      setTimeout(function () { socket.connect(); }, 1000 + Math.random() * 4000);
    });
    socket.on("connect", function () {
      if (closedByServer) { closedByServer = false; catchUp(); }
    });
    var lastTyping = 0;
    document.addEventListener("input", function (e) {
      if (!e.target.matches || !e.target.matches("[data-typing]")) return;
      var c = chat(), now = Date.now();
      if (!c || now - lastTyping < 2500) return;
      lastTyping = now;
      socket.emit("typing", { conversation_id: +c.getAttribute("data-conversation") });
    });
    // A conversation opened after the socket connected (boosted navigation keeps the
    // socket): ask to join its room; the server checks.
    function joinHere() {
      var c = chat();
      if (c) socket.emit("join", { conversation_id: +c.getAttribute("data-conversation") });
    }
    socket.on("connect", joinHere);
    document.addEventListener("htmx:afterSettle", joinHere);
    document.addEventListener("htmx:afterSwap", function (e) {
      if (e.target && e.target.id === "messages") {
        dedupe();
        var box = document.getElementById("messages");
        box.lastElementChild && box.lastElementChild.scrollIntoView({ block: "end" });
      }
    });
    // Enter sends, Shift+Enter starts a new line.
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" || e.shiftKey || !e.target.matches || !e.target.matches("[data-typing]")) return;
      e.preventDefault();
      var f = e.target.form;
      if (f.requestSubmit) f.requestSubmit(); else f.submit();
    });
  }
  // Web Push on this device (the notification preferences page): subscribe with the
  // school's key and hand the subscription to the server; unsubscribe likewise.
  function pushDevice() {
    var box = document.getElementById("push-device");
    if (!box || box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    var status = box.querySelector(".push-status");
    var on = box.querySelector('[data-push="on"]'), off = box.querySelector('[data-push="off"]');
    function say(k) { status.textContent = status.getAttribute("data-" + k); status.hidden = false; }
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
      say("unsupported");
      return;
    }
    function post(url, fields) {
      var body = new URLSearchParams(fields);
      body.set("_csrf", box.getAttribute("data-csrf"));
      return fetch(url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r; });
    }
    function key() {
      var s = box.getAttribute("data-push-key").replace(/-/g, "+").replace(/_/g, "/");
      var raw = atob(s + "===".slice((s.length + 3) % 4)), a = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) a[i] = raw.charCodeAt(i);
      return a;
    }
    navigator.serviceWorker.register("/sw.js").then(function () { return navigator.serviceWorker.ready; }).then(function (reg) {
      function show(sub) { on.hidden = !!sub; off.hidden = !sub; if (sub) say("enabled"); }
      reg.pushManager.getSubscription().then(show);
      on.addEventListener("click", function () {
        Notification.requestPermission().then(function (p) {
          if (p !== "granted") { say("denied"); return; }
          return reg.pushManager.getSubscription()
            .then(function (old) { return old && old.unsubscribe(); })
            .then(function () { return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key() }); })
            .then(function (sub) {
              var j = sub.toJSON();
              return post("/compte/appareils", { endpoint: j.endpoint, p256dh: j.keys.p256dh, auth: j.keys.auth });
            })
            .then(function () { window.location.reload(); });
        }).catch(function () { say("failed"); });
      });
      off.addEventListener("click", function () {
        reg.pushManager.getSubscription().then(function (sub) {
          if (!sub) return show(null);
          var endpoint = sub.endpoint;
          return sub.unsubscribe()
            .then(function () { return post("/compte/appareils/retrait", { endpoint: endpoint }); })
            .then(function () { window.location.reload(); });
        }).catch(function () { say("failed"); });
      });
    });
  }
  // "Check all" boxes of a table (a class's points): one key press picks the whole class.
  document.addEventListener("change", function (e) {
    if (!e.target || e.target.id !== "check-all") return;
    var table = e.target.closest("table");
    if (!table) return;
    table.querySelectorAll('tbody input[type="checkbox"]').forEach(function (b) { b.checked = e.target.checked; });
  });
  // Charts: ECharts is loaded (from static/vendor) only on pages that have one, and each
  // chart draws the option the server embedded; the table beside it holds the same numbers.
  var ECHARTS = "/static/vendor/echarts-6.1.0/echarts.common.min.js";
  function lang() { return (document.documentElement.lang || "fr").slice(0, 2); }
  // Numbers on an axis and in a tooltip as the reader writes them ("180 000 000 FCFA",
  // "12,5", "95 %"), the way the server's formatter writes them in the table beside.
  function formats(unit) {
    var l = lang(), fr = l === "fr";
    var whole = unit === "count" || unit === "money";
    var nf = new Intl.NumberFormat(l, { maximumFractionDigits: whole ? 0 : 2 });
    var short = new Intl.NumberFormat(l, { notation: "compact", maximumFractionDigits: 1 });
    var pct = function (s) { return fr ? s + "\u202f%" : s + "%"; };
    function plain(v) { return typeof v === "number" && isFinite(v) ? v : null; }
    return {
      axis: function (v) {
        v = plain(v); if (v === null) return "";
        if (unit === "money") return Math.abs(v) >= 10000 ? short.format(v) : nf.format(v);
        return unit === "percent" ? pct(nf.format(v)) : nf.format(v);
      },
      full: function (v) {
        if (Array.isArray(v)) v = v[v.length - 1];
        v = plain(v); if (v === null) return "—";
        if (unit === "money") return nf.format(v) + "\u00a0FCFA";
        return unit === "percent" ? pct(nf.format(v)) : nf.format(v);
      }
    };
  }
  function localized(option, unit) {
    if (!unit) return option;
    var f = formats(unit);
    [].concat(option.yAxis || []).forEach(function (a) {
      if (a.type === "value") { a.axisLabel = a.axisLabel || {}; a.axisLabel.formatter = f.axis; }
    });
    option.tooltip = option.tooltip || {};
    option.tooltip.valueFormatter = f.full;
    return option;
  }
  function drawCharts() {
    var boxes = document.querySelectorAll(".chart[data-chart]:not([data-drawn])");
    if (!boxes.length) return;
    if (!window.echarts) {
      if (document.getElementById("echarts-js")) return;
      var s = document.createElement("script");
      s.id = "echarts-js"; s.src = ECHARTS; s.onload = drawCharts;
      document.head.appendChild(s);
      return;
    }
    boxes.forEach(function (el) {
      try {
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        chart.setOption(localized(JSON.parse(el.getAttribute("data-chart")), el.getAttribute("data-unit")));
        el.setAttribute("data-drawn", "1");
      } catch (e) { /* the table beside it still shows the numbers */ }
    });
  }
  window.addEventListener("resize", function () {
    if (!window.echarts) return;
    document.querySelectorAll(".chart[data-drawn]").forEach(function (el) {
      var c = window.echarts.getInstanceByDom(el); if (c) c.resize();
    });
  });
  window.addEventListener("beforeprint", function () {
    if (!window.echarts) return;
    document.querySelectorAll(".chart[data-drawn]").forEach(function (el) {
      var c = window.echarts.getInstanceByDom(el); if (c) c.resize();
    });
  });
  // A workflow's steps reorder by drag and drop, as the ↑ ↓ buttons do by keyboard: the
  // fields are renumbered in their new order, and saving keeps it.
  function sortableSteps() {
    document.querySelectorAll("ol.wf-steps").forEach(function (list) {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "1";
      var dragged = null;
      list.addEventListener("dragstart", function (e) {
        var li = e.target.closest && e.target.closest("li[draggable]");
        if (!li) return;
        dragged = li;
        li.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", li.dataset.step);
      });
      list.addEventListener("dragover", function (e) {
        if (!dragged) return;
        var over = e.target.closest && e.target.closest("li[draggable]");
        e.preventDefault();
        if (!over || over === dragged) return;
        var box = over.getBoundingClientRect();
        var after = e.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? over.nextSibling : over);
      });
      list.addEventListener("drop", function (e) { if (dragged) e.preventDefault(); });
      list.addEventListener("dragend", function () {
        if (!dragged) return;
        dragged.classList.remove("dragging");
        dragged = null;
        var items = list.querySelectorAll("li[draggable]");
        items.forEach(function (li, j) {
          var old = li.dataset.step;
          if (old === String(j)) return;
          li.querySelectorAll("[name^='step_" + old + "_']").forEach(function (el) {
            el.name = "step_" + j + "_" + el.name.slice(("step_" + old + "_").length);
          });
          li.querySelectorAll("button[value$='_" + old + "']").forEach(function (b) {
            b.value = b.value.replace(/_\d+$/, "_" + j);
          });
          li.dataset.step = String(j);
        });
        items.forEach(function (li, j) {
          var up = li.querySelector("button[value^='up_']"), down = li.querySelector("button[value^='down_']");
          if (up) up.disabled = j === 0;
          if (down) down.disabled = j === items.length - 1;
        });
        var form = list.closest("form");
        var hint = form && form.querySelector("[data-reordered]");
        if (hint) hint.hidden = false;
      });
    });
  }
  // A quiz's countdown to its deadline (the server enforces it; this only shows it).
  function countdowns() {
    document.querySelectorAll("[data-countdown]:not([data-ticking])").forEach(function (el) {
      var end = Date.parse(el.getAttribute("data-countdown"));
      var out = el.querySelector(".countdown");
      if (!out || isNaN(end)) return;
      el.setAttribute("data-ticking", "1");
      var timer;
      var tick = function () {
        var s = Math.max(0, Math.round((end - Date.now()) / 1000));
        out.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
        if (s === 0) { clearInterval(timer); el.classList.add("error"); }
      };
      timer = setInterval(tick, 1000);
      tick();
    });
  }
  document.addEventListener("DOMContentLoaded", countdowns);
  document.addEventListener("DOMContentLoaded", sortableSteps);
  document.addEventListener("htmx:afterSettle", sortableSteps);
  document.addEventListener("htmx:afterSettle", drawCharts);
  document.addEventListener("DOMContentLoaded", drawCharts);
  document.addEventListener("htmx:afterSettle", pushDevice);
  document.addEventListener("DOMContentLoaded", function () {
    pushDevice();
    live();
    var box = document.getElementById("messages");
    if (box && box.lastElementChild) box.lastElementChild.scrollIntoView({ block: "end" });
  });
  // Dashboards. Each widget loads on its own after the page; one that fails or cannot be
  // reached shows its own message and the others carry on. Offline, the service worker
  // answers with the last copy it kept, marked with a header: the widget then says how old
  // it is ("Mis à jour il y a 2 heures").
  function dashboard() { return document.getElementById("dashboard"); }
  function widgetBody(e) {
    var elt = e.detail && e.detail.elt;
    return elt && elt.matches && elt.matches("[data-widget]") ? elt : null;
  }
  function ago(iso) {
    var then = Date.parse(iso);
    if (!then) return "";
    var s = Math.round((then - Date.now()) / 1000), a = Math.abs(s);
    var rtf = new Intl.RelativeTimeFormat(lang(), { numeric: "auto" });
    if (a < 60) return rtf.format(Math.round(s), "second");
    if (a < 3600) return rtf.format(Math.round(s / 60), "minute");
    if (a < 86400) return rtf.format(Math.round(s / 3600), "hour");
    return rtf.format(Math.round(s / 86400), "day");
  }
  function widgetFailed(body, text) {
    body.removeAttribute("aria-busy");
    var p = document.createElement("p");
    p.className = "widget-failed"; p.setAttribute("role", "alert"); p.textContent = text;
    body.replaceChildren(p);
  }
  document.addEventListener("htmx:afterRequest", function (e) {
    var body = widgetBody(e);
    if (!body) return;
    body.removeAttribute("aria-busy");
    var age = body.parentNode.querySelector(".widget-age");
    var xhr = e.detail.xhr, d = dashboard();
    var cached = xhr && xhr.getResponseHeader && xhr.getResponseHeader("X-Suku-Offline");
    if (!age) return;
    if (cached && d) {
      var c = body.querySelector("[data-fetched]");
      age.textContent = d.getAttribute("data-stale").replace("%AGE%", ago(c ? c.getAttribute("data-fetched") : cached));
      age.hidden = false;
    } else {
      age.hidden = true;
    }
  });
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (e) {
      var body = widgetBody(e), d = dashboard();
      if (body && d) widgetFailed(body, d.getAttribute("data-error"));
    });
  });
  // The editor: drag and drop with SortableJS (loaded only here), and the ↑ ↓ buttons that
  // keep the keyboard's place after each move.
  var SORTABLE = "/static/vendor/sortablejs-1.15.7/Sortable.min.js";
  function editor() {
    var ed = document.getElementById("dash-editor");
    if (!ed) return;
    var f = ed.getAttribute("data-focus");
    if (f) {
      var b = document.getElementById(f);
      if (b && b.disabled) b = document.getElementById(f.replace(/-(up|down)$/, function (m, d) { return d === "up" ? "-down" : "-up"; }));
      if (b) b.focus();
      ed.removeAttribute("data-focus");
    }
    var list = ed.querySelector("[data-sortable]");
    if (!list || list.getAttribute("data-sorting")) return;
    if (!window.Sortable) {
      if (document.getElementById("sortable-js")) return;
      var s = document.createElement("script");
      s.id = "sortable-js"; s.src = SORTABLE; s.onload = editor;
      document.head.appendChild(s);
      return;
    }
    list.setAttribute("data-sorting", "1");
    window.Sortable.create(list, {
      animation: 150, handle: ".dash-item-head", forceFallback: true, fallbackTolerance: 3,
      onEnd: function (ev) {
        if (ev.oldIndex === ev.newIndex) return;
        var ids = [].map.call(list.querySelectorAll("li[data-id]"), function (li) { return li.getAttribute("data-id"); });
        var csrf = document.querySelector('meta[name="csrf-token"]');
        htmx.ajax("POST", list.getAttribute("data-sortable"), {
          target: "#dash-editor", swap: "outerHTML",
          values: { action: "ordre", role: list.getAttribute("data-role"), ids: ids.join(","), _csrf: csrf ? csrf.content : "" }
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", editor);
  document.addEventListener("htmx:afterSettle", editor);
  // The copies kept for offline are one person's: the login page forgets them (a session
  // that ended without logging out), and another person's page replaces them.
  function offlineOwner() {
    if (!("caches" in window)) return;
    var me = document.body.getAttribute("data-user");
    if (!me) {
      if (location.pathname.indexOf("/connexion") === 0) caches.delete("suku-data").catch(function () {});
      return;
    }
    caches.open("suku-data").then(function (c) {
      return c.match("/__owner").then(function (hit) { return hit ? hit.text() : null; }).then(function (owner) {
        if (owner === me) return;
        return (owner === null ? Promise.resolve() : caches.delete("suku-data"))
          .then(function () { return caches.open("suku-data"); })
          .then(function (c2) { return c2.put("/__owner", new Response(me)); });
      });
    }).catch(function () {});
  }
  document.addEventListener("DOMContentLoaded", offlineOwner);
  // The assistant opens beside the page (over it on a phone); without JavaScript its link
  // opens its own page. A question is sent with Enter (Shift+Enter: a new line).
  function assistantPanel() { return document.getElementById("assistant-panel"); }
  function assistantEnd() {
    var list = document.getElementById("asst-messages");
    if (list && list.lastElementChild) list.lastElementChild.scrollIntoView({ block: "end" });
    var input = document.getElementById("asst-input");
    if (input) input.focus();
  }
  function assistantToggle(open) {
    var panel = assistantPanel(), toggle = document.querySelector("[data-assistant-open]");
    panel.hidden = !open;
    document.body.classList.toggle("assistant-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    // Closed: the keyboard goes back where it was.
    if (!open && toggle) toggle.focus();
  }
  document.addEventListener("click", function (e) {
    var open = e.target.closest && e.target.closest("[data-assistant-open]");
    var close = e.target.closest && e.target.closest("[data-assistant-close]");
    var panel = assistantPanel();
    if (!panel || !window.htmx || (!open && !close)) return;
    // A new tab or window stays the browser's.
    if (open && (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0)) return;
    e.preventDefault();
    if (close || !panel.hidden) {
      assistantToggle(false);
      return;
    }
    assistantToggle(true);
    htmx.ajax("GET", "/assistant", { target: "#assistant-panel", swap: "innerHTML" }).then(assistantEnd);
  });
  document.addEventListener("keydown", function (e) {
    var panel = assistantPanel();
    if (e.key === "Escape" && panel && !panel.hidden) {
      assistantToggle(false);
      return;
    }
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || !e.target.matches || !e.target.matches("#asst-input")) return;
    e.preventDefault();
    var f = e.target.form;
    if (f.requestSubmit) f.requestSubmit();
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var f = e.detail.elt;
    if (!f || !f.matches || !f.closest(".asst")) return;
    if (f.matches("[data-assistant-form]") && e.detail.successful) f.reset();
    var s = f.closest(".asst").querySelector(".asst-suggestions");
    if (s && e.detail.successful) s.remove();
    assistantEnd();
  });
  // An answer the model is writing comes as server-sent events: the tool being read, the
  // text as it is written, then the whole text. Without event streams (or when the stream
  // breaks), the answer is fetched whole once written.
  function assistantWhole(li) {
    htmx.ajax("GET", li.getAttribute("data-stream"), { target: li, swap: "outerHTML" }).then(assistantEnd);
  }
  function assistantStream(li) {
    if (li.getAttribute("data-streaming")) return;
    li.setAttribute("data-streaming", "1");
    if (!window.EventSource) { assistantWhole(li); return; }
    var status = li.querySelector(".asst-status"), text = li.querySelector("p:not(.asst-status)");
    var list = li.parentNode, es = new EventSource(li.getAttribute("data-stream")), done = false;
    function follow() {
      if (list && list.scrollHeight - list.scrollTop - list.clientHeight < 120) li.scrollIntoView({ block: "end" });
    }
    es.addEventListener("tool", function (e) { if (status) status.textContent = e.data; });
    es.addEventListener("delta", function (e) {
      if (status) { status.remove(); status = null; }
      text.textContent += e.data;
      follow();
    });
    es.addEventListener("done", function (e) {
      done = true;
      es.close();
      if (status) status.remove();
      text.textContent = e.data;
      li.classList.remove("asst-pending");
      li.removeAttribute("data-stream");
      li.removeAttribute("aria-busy");
      follow();
    });
    es.onerror = function () {
      es.close();
      if (!done) assistantWhole(li);
    };
  }
  if (window.htmx) {
    htmx.onLoad(function (el) {
      var found = el.matches && el.matches("[data-stream]") ? [el] : [];
      if (el.querySelectorAll) found = found.concat(Array.prototype.slice.call(el.querySelectorAll("[data-stream]")));
      found.forEach(assistantStream);
    });
  }
  // The installed app's badge shows the unread notifications.
  function badge() {
    var bell = document.getElementById("bell");
    if (!bell || !("setAppBadge" in navigator)) return;
    var n = parseInt(bell.getAttribute("data-unread") || "0", 10);
    (n > 0 ? navigator.setAppBadge(n) : navigator.clearAppBadge()).catch(function () {});
  }
  document.addEventListener("htmx:afterSettle", badge);
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () {});
    });
  }
})();
