// Kiosk behaviour, no dependencies. Loaded in <head> so the chosen text
// size applies before the first paint; the rest waits for the page.
(function () {
  "use strict";
  var root = document.documentElement;
  var SIZE = "gk_size";
  function store() { try { return window.sessionStorage; } catch (e) { return null; } }
  var s = store();
  var size = s && s.getItem(SIZE);
  if (size === "l" || size === "xl") root.setAttribute("data-size", size);

  // A kiosk is a screen assigned to a service point (it carries the point
  // cookie); phones are not reset for being idle.
  function isKiosk() { return /(?:^|;\s*)gk_point=/.test(document.cookie); }

  // The idle reset: forget everything and go home, replacing history.
  function reset() {
    try { window.sessionStorage.clear(); } catch (e) {}
    try { window.localStorage.clear(); } catch (e) {}
    window.location.replace("/kiosk/");
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Text size: three steps, kept for this visit only.
    var buttons = document.querySelectorAll(".sizes button");
    function mark() {
      var cur = root.getAttribute("data-size") || "";
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].setAttribute("aria-pressed", buttons[i].getAttribute("data-size") === cur ? "true" : "false");
      }
    }
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var v = this.getAttribute("data-size");
        if (v) root.setAttribute("data-size", v); else root.removeAttribute("data-size");
        var st = store();
        if (st) { if (v) st.setItem(SIZE, v); else st.removeItem(SIZE); }
        mark();
      });
    }
    mark();

    // No long-press menus, no drag, no pinch (touch-action in the CSS).
    document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    document.addEventListener("dragstart", function (e) { e.preventDefault(); });
    document.addEventListener("gesturestart", function (e) { e.preventDefault(); });

    // Print.
    var pr = document.querySelector("[data-print]");
    if (pr) pr.addEventListener("click", function () { window.print(); });

    // Read aloud (适老化): the title and text, with the browser's speech and
    // a Chinese voice; the button shows only where the screen has one.
    var speak = document.querySelector("[data-speak]");
    var synth = window.speechSynthesis;
    if (speak && synth && window.SpeechSynthesisUtterance) {
      var voice = null;
      var pick = function () {
        var vs = synth.getVoices();
        for (var i = 0; i < vs.length && !voice; i++) {
          if (/^(zh|cmn)/i.test(vs[i].lang) || /chinese|mandarin|cmn/i.test(vs[i].name)) voice = vs[i];
        }
        speak.hidden = !voice;
      };
      pick();
      if (!voice && "onvoiceschanged" in synth) synth.addEventListener("voiceschanged", pick);
      var label = speak.textContent;
      speak.addEventListener("click", function () {
        if (synth.speaking) { synth.cancel(); speak.textContent = label; return; }
        var parts = [];
        document.querySelectorAll(speak.getAttribute("data-speak")).forEach(function (el) { parts.push(el.innerText); });
        var u = new SpeechSynthesisUtterance(parts.join("。\n"));
        try { u.voice = voice; } catch (e) { /* not a SpeechSynthesisVoice */ }
        u.lang = voice ? voice.lang : "zh-CN"; u.rate = 0.9;
        u.onend = u.onerror = function () { speak.textContent = label; };
        speak.textContent = "停止朗读";
        synth.speak(u);
      });
      window.addEventListener("pagehide", function () { synth.cancel(); });
    }

    // The numeric keypad for numbers on the application and lookup forms;
    // the ID number is shown grouped 6-8-4 for checking by eye.
    var pad = document.getElementById("keypad"), target = null;
    var group = document.getElementById("f-id_group"), idField = document.getElementById("f-id_number");
    function regroup() {
      if (!group || !idField) return;
      var v = idField.value.replace(/[\s-]/g, "").toUpperCase();
      group.textContent = v.length > 14 ? v.slice(0, 6) + " " + v.slice(6, 14) + " " + v.slice(14) :
        v.length > 6 ? v.slice(0, 6) + " " + v.slice(6) : v;
    }
    if (idField) { idField.addEventListener("input", regroup); regroup(); }
    if (pad) {
      document.addEventListener("focusin", function (e) {
        var kind = e.target.getAttribute && e.target.getAttribute("data-keypad");
        if (kind) {
          target = e.target;
          pad.querySelector('[data-pad="X"]').hidden = kind !== "id";
          pad.hidden = false;
          document.body.classList.add("padded"); // room to scroll the field above the keypad
          target.scrollIntoView({ block: "center" });
        } else if (!pad.contains(e.target)) {
          // The pad floats above the page: hiding it moves nothing, so the
          // tap that moved the focus (on 下一步, say) still lands. The room
          // kept below the form goes only with 完成.
          pad.hidden = true;
        }
      });
      pad.addEventListener("pointerdown", function (e) { e.preventDefault(); }); // keep the field focused
      pad.addEventListener("click", function (e) {
        var b = e.target.closest("button[data-pad]");
        if (!b || !target) return;
        var k = b.getAttribute("data-pad");
        if (k === "done") { pad.hidden = true; document.body.classList.remove("padded"); target.blur(); return; }
        if (k === "back") target.value = target.value.slice(0, -1);
        else if (target.value.length < (target.maxLength > 0 ? target.maxLength : 40)) target.value += k;
        target.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }

    // The on-screen pinyin keyboard for Chinese fields (data-ime): letters
    // make the pinyin, the server offers words for it (full pinyin,
    // initials or both, the county's names first), a tap puts one in the
    // field and the letters it stands for go; the rest stay to type on. On
    // the hall's screen it opens with the field (the search page's stands
    // under its box); on a phone after 使用屏幕拼音键盘.
    var ime = document.getElementById("ime");
    if (ime) {
      var comp = "", cands = [], start = 0, starts = [], shownEnd = 0, field = null, chinese = true, seq = 0, perPage = 8;
      var pending = false, doneWanted = false;
      var inline = ime.hasAttribute("data-inline");
      var compEl = document.getElementById("ime-comp"), candEl = document.getElementById("ime-cands");
      var enabled = isKiosk();
      var enable = document.querySelector("[data-ime-enable]");
      var turnOn = function () {
        document.querySelectorAll("[data-ime]").forEach(function (f) { f.setAttribute("inputmode", "none"); });
        if (inline) { field = document.querySelector("[data-ime]"); ime.hidden = false; }
      };
      if (enable) {
        enable.hidden = enabled;
        enable.addEventListener("click", function () {
          enabled = true; enable.hidden = true; turnOn();
          var f = document.querySelector("[data-ime]"); if (f) f.focus();
        });
      }
      if (enabled) {
        turnOn();
        if (inline && field && !field.value) field.focus();
      }
      var put = function (text) {
        if (!field) return;
        var max = field.maxLength > 0 ? field.maxLength : 2000;
        // Where the caret is; at the end of a box not focused (the search
        // page's, tapped on from its keyboard alone).
        var away = document.activeElement !== field || field.selectionStart == null;
        var s = away ? field.value.length : field.selectionStart;
        var e = away ? s : field.selectionEnd;
        if (field.value.length - (e - s) + text.length > max) return;
        field.setRangeText(text, s, e, "end");
        field.dispatchEvent(new Event("input", { bubbles: true }));
      };
      // render shows the candidates from start, as many as fit in the bar
      // (at most perPage): none hides under the paging keys; › goes on from
      // the first left out.
      var render = function () {
        compEl.textContent = comp;
        candEl.textContent = "";
        var right = candEl.getBoundingClientRect().right + 0.5, i = start;
        for (; i < cands.length && i < start + perPage; i++) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = cands[i].text;
          b.setAttribute("data-ime-cand", String(i));
          candEl.appendChild(b);
          if (i > start && b.getBoundingClientRect().right > right) { candEl.removeChild(b); break; }
        }
        shownEnd = i;
      };
      var lookup = function () {
        var my = ++seq;
        start = 0; starts = [];
        // The candidates of the letters before no longer fit: none are
        // shown until those for the letters now typed arrive.
        cands = [];
        render();
        pending = !!comp;
        if (!comp) return;
        fetch("/kiosk/ime?py=" + encodeURIComponent(comp)).then(function (r) { return r.json(); }).then(function (cs) {
          if (my !== seq) return; // a later letter asked again
          pending = false;
          cands = cs || [];
          render();
          if (doneWanted) done();
        }).catch(function () { if (my === seq) { pending = false; if (doneWanted) done(); } });
      };
      // take puts a candidate in the field; the letters it stands for go.
      var take = function (c) { put(c.text); comp = comp.slice(c.n); clearInk(); lookup(); };

      // 手写: a character written with a finger in the pad, read by the
      // server's recogniser (where it has one); its candidates stand for
      // no letters.
      var hwBtn = ime.querySelector("[data-ime-hw]"), hwPad = document.getElementById("hw-pad");
      var canvas = document.getElementById("hw-canvas"), ink = canvas && canvas.getContext && canvas.getContext("2d");
      var writing = false, strokes = [], stroke = null;
      var drawGuide = function () {
        if (!ink) return;
        ink.clearRect(0, 0, canvas.width, canvas.height);
        ink.save();
        ink.strokeStyle = "#d8d0c0"; ink.lineWidth = 2; ink.setLineDash([12, 12]);
        ink.beginPath();
        ink.moveTo(canvas.width / 2, 0); ink.lineTo(canvas.width / 2, canvas.height);
        ink.moveTo(0, canvas.height / 2); ink.lineTo(canvas.width, canvas.height / 2);
        ink.stroke();
        ink.restore();
        ink.strokeStyle = "#1a1a1a"; ink.lineWidth = 14; ink.lineCap = "round"; ink.lineJoin = "round";
        strokes.forEach(function (st) {
          ink.beginPath();
          ink.moveTo(st[0][0], st[0][1]);
          st.forEach(function (p) { ink.lineTo(p[0], p[1]); });
          if (st.length === 1) ink.lineTo(st[0][0] + 0.1, st[0][1]);
          ink.stroke();
        });
      };
      var clearInk = function () { if (strokes.length || stroke) { strokes = []; stroke = null; drawGuide(); } };
      var recognise = function () {
        var my = ++seq;
        start = 0; starts = []; cands = []; render();
        if (!strokes.length) { pending = false; return; }
        pending = true;
        fetch("/kiosk/hw", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ w: canvas.width, h: canvas.height, strokes: strokes }) })
          .then(function (r) { if (!r.ok) throw new Error("status " + r.status); return r.json(); })
          .then(function (cs) {
            if (my !== seq) return; // written on since
            pending = false; cands = cs || []; render();
            if (doneWanted) done();
          }).catch(function () { if (my === seq) { pending = false; if (doneWanted) done(); } });
      };
      var setWriting = function (on) {
        writing = on;
        if (comp) { put(comp); comp = ""; }
        clearInk(); lookup();
        hwPad.hidden = !on;
        ime.querySelectorAll(".imerow.keys").forEach(function (r) { r.hidden = on; });
        hwBtn.setAttribute("aria-pressed", on ? "true" : "false");
      };
      if (hwBtn && hwPad && ink && root.hasAttribute("data-hw")) {
        hwBtn.hidden = false;
        hwBtn.setAttribute("aria-pressed", "false");
        drawGuide();
        var at = function (e) {
          var r = canvas.getBoundingClientRect();
          return [Math.round((e.clientX - r.left) * canvas.width / r.width), Math.round((e.clientY - r.top) * canvas.height / r.height)];
        };
        canvas.addEventListener("pointerdown", function (e) {
          e.preventDefault();
          if (canvas.setPointerCapture) try { canvas.setPointerCapture(e.pointerId); } catch (x) {}
          stroke = [at(e)];
          seq++; // a stroke begun: an answer for fewer strokes no longer fits
        });
        canvas.addEventListener("pointermove", function (e) {
          if (!stroke) return;
          var p = at(e), q = stroke[stroke.length - 1];
          if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) < 6 || stroke.length >= 200) return;
          stroke.push(p);
          ink.beginPath(); ink.moveTo(q[0], q[1]); ink.lineTo(p[0], p[1]); ink.stroke();
        });
        var end = function () {
          if (!stroke) return;
          if (strokes.length < 40) strokes.push(stroke);
          stroke = null;
          drawGuide();
          recognise();
        };
        canvas.addEventListener("pointerup", end);
        canvas.addEventListener("pointercancel", end);
      }
      // done (完成): pinyin still typed becomes its first candidate, not
      // letters in the field — one word at a time, the keyboard staying
      // open while letters are left; letters nothing matches stay letters.
      var done = function () {
        doneWanted = false;
        if ((comp || strokes.length) && pending) { doneWanted = true; return; }
        if (strokes.length && cands.length) take(cands[0]);
        if (comp && cands.length) { take(cands[0]); if (comp) { doneWanted = true; return; } }
        if (comp) { put(comp); comp = ""; }
        hide();
        document.body.classList.remove("imed");
        if (field) field.blur();
      };
      var show = function (f) {
        field = f;
        ime.hidden = false;
        document.body.classList.add("imed");
        // The field in sight above the keyboard, under the title bar.
        var bar = document.querySelector("header.bar");
        window.scrollBy(0, f.getBoundingClientRect().top - (bar ? bar.getBoundingClientRect().height : 0) - 56); // its label too
      };
      var hide = function () { doneWanted = false; if (!inline) ime.hidden = true; comp = ""; clearInk(); cands = []; render(); };
      document.addEventListener("focusin", function (e) {
        if (e.target.hasAttribute && e.target.hasAttribute("data-ime")) {
          if (enabled && !inline) show(e.target);
        } else if (!ime.contains(e.target) && !inline) {
          hide(); // as the keypad: nothing moves, so a tap elsewhere acts
        }
      });
      ime.addEventListener("pointerdown", function (e) { e.preventDefault(); }); // keep the field focused
      ime.addEventListener("click", function (e) {
        var b = e.target.closest("button");
        if (!b || !field) return;
        if (b.hasAttribute("data-ime-cand")) {
          var c = cands[parseInt(b.getAttribute("data-ime-cand"), 10)];
          if (c) take(c);
        } else if (b.hasAttribute("data-ime-key")) {
          doneWanted = false;
          var k = b.getAttribute("data-ime-key");
          if (/^[a-z]$/.test(k) && chinese) { if (comp.length < 30) { comp += k; lookup(); } }
          else if (k === " " && (comp || strokes.length)) { if (cands.length) take(cands[0]); }
          else { if (comp) { put(comp); comp = ""; lookup(); } put(k); }
        } else if (b.hasAttribute("data-hw-clear")) {
          clearInk(); recognise();
        } else if (b.hasAttribute("data-ime-hw")) {
          setWriting(!writing);
        } else if (b.hasAttribute("data-ime-back")) {
          if (strokes.length) { strokes.pop(); drawGuide(); recognise(); }
          else if (comp) { comp = comp.slice(0, -1); lookup(); }
          else {
            var off = document.activeElement !== field;
            var s = off ? field.value.length : field.selectionStart, en = off ? s : field.selectionEnd;
            if (s === en && s > 0) field.setRangeText("", s - 1, s, "end");
            else if (s !== en) field.setRangeText("", s, en, "end");
            field.dispatchEvent(new Event("input", { bubbles: true }));
          }
        } else if (b.hasAttribute("data-ime-page")) {
          if (b.getAttribute("data-ime-page") === "1") { if (shownEnd < cands.length) { starts.push(start); start = shownEnd; render(); } }
          else if (starts.length) { start = starts.pop(); render(); }
        } else if (b.hasAttribute("data-ime-mode")) {
          if (writing) setWriting(false);
          if (comp) { put(comp); comp = ""; lookup(); }
          chinese = !chinese;
          b.textContent = chinese ? "中/英" : "英/中";
        } else if (b.hasAttribute("data-ime-done")) {
          done();
        } else if (b.hasAttribute("data-ime-clear")) {
          comp = ""; clearInk(); lookup();
          field.value = "";
          field.dispatchEvent(new Event("input", { bubbles: true }));
        } else if (b.hasAttribute("data-ime-go")) {
          // 搜索: letters not yet turned into characters are searched as
          // they are (the search reads pinyin and initials).
          if (strokes.length && cands.length) take(cands[0]);
          if (comp) { put(comp); comp = ""; lookup(); }
          if (field.value.trim() && field.form) field.form.submit();
        }
      });
    }

    // The network: the service worker keeps the pages shown; when the
    // server cannot be reached the page says so and tries again by itself,
    // reloading once it answers.
    if ("serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register("/kiosk/sw.js", { scope: "/kiosk/" }).catch(function () {});
    }
    var banner = document.getElementById("offline"), down = false;
    var calm = banner ? banner.textContent : "";
    function probe() {
      fetch("/healthz", { cache: "no-store" }).then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        // Back: reload to show the page afresh — but never the page that
        // answered a form not sent, which would send it unasked.
        // Nor a form being filled in: what is typed stays.
        if (down && document.querySelector("[data-stay], form.applyform, form.confirm")) { banner.hidden = true; banner.textContent = calm; down = false; }
        else if (down) window.location.reload();
      }).catch(function () {
        down = true;
        if (banner) banner.hidden = false;
        setTimeout(probe, 5000);
      });
    }
    if (banner) probe();

    // A form is sent only when the server answers: otherwise it stays as
    // typed with the notice, rather than leaving for a page that cannot
    // bring it back.
    document.querySelectorAll("form.applyform, form.confirm").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (form.getAttribute("data-checked") === "1") { form.removeAttribute("data-checked"); return; }
        e.preventDefault();
        var by = e.submitter || null;
        fetch("/healthz", { cache: "no-store" }).then(function (r) {
          if (!r.ok) throw new Error("status " + r.status);
          if (banner) banner.hidden = true;
          form.setAttribute("data-checked", "1");
          if (form.requestSubmit) form.requestSubmit(by); else form.submit();
        }).catch(function () {
          if (banner) { banner.textContent = "网络连接中断，申请还没有提交，填写的内容仍在；网络恢复后请再点一次。"; banner.hidden = false; }
          down = true;
          setTimeout(probe, 5000);
        });
      });
    });

    // Idle: after data-idle seconds without a touch, count down
    // data-countdown seconds with a big 继续使用 button, then reset.
    if (!isKiosk()) return;
    var idle = parseInt(root.getAttribute("data-idle"), 10) || 120;
    var count = parseInt(root.getAttribute("data-countdown"), 10) || 30;
    var box = document.getElementById("idle");
    var left = document.getElementById("idle-left");
    var stay = document.getElementById("idle-stay");
    var timer = null, tick = null, remaining = 0;
    function arm() {
      clearTimeout(timer); clearInterval(tick);
      if (box) box.hidden = true;
      timer = setTimeout(countdown, idle * 1000);
    }
    function countdown() {
      if (!box) { reset(); return; } // a page without the dialog (an error page)
      remaining = count;
      left.textContent = remaining;
      box.hidden = false;
      stay.focus();
      tick = setInterval(function () {
        remaining--;
        left.textContent = remaining;
        if (remaining <= 0) { clearInterval(tick); reset(); }
      }, 1000);
    }
    ["pointerdown", "keydown", "touchstart", "wheel", "input"].forEach(function (ev) {
      document.addEventListener(ev, arm, { passive: true, capture: true });
    });
    if (stay) stay.addEventListener("click", arm);
    arm();
  });
})();
