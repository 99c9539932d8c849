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
    // keypadKind is the keypad a field takes: none for the ID number of a
    // passport or permit, which has letters (the keyboard takes it).
    function keypadKind(el) {
      var kind = el && el.getAttribute && el.getAttribute("data-keypad");
      if (kind === "id") {
        var t = document.querySelector('input[name="id_type"]:checked');
        if (t && t.value !== "resident_id") return null;
      }
      return kind || null;
    }
    if (pad) {
      document.addEventListener("focusin", function (e) {
        var kind = keypadKind(e.target);
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
      var pending = false, doneWanted = false, points = 0;
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
      // say shows a short message where the pinyin is typed, until the
      // next key.
      var said = "", sayEl = document.getElementById("ime-say");
      var say = function (msg) { said = msg; if (sayEl) { sayEl.textContent = msg; sayEl.hidden = false; } };
      var render = function () {
        // A message stays, whatever arrives, until the next key; it has a
        // line of its own, so the candidates keep their room.
        if (sayEl) sayEl.hidden = !said;
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
      var clearInk = function () { points = 0; if (strokes.length || stroke) { strokes = []; stroke = null; drawGuide(); } };
      var recognise = function () {
        var my = ++seq;
        start = 0; starts = []; cands = []; render();
        if (!strokes.length) { pending = false; return; }
        pending = true;
        fetch("/kiosk/hw", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ w: canvas.width, h: canvas.height, strokes: strokes }) })
          .then(function (r) { if (!r.ok) throw new Error(r.status === 503 ? "手写识别繁忙，请稍后再写" : "未能识别，请点“重写”后再写"); return r.json(); })
          .then(function (cs) {
            if (my !== seq) return; // written on since
            pending = false; cands = cs || []; render();
            if (!cands.length) say("未能识别，请点“重写”后再写");
          }).catch(function (err) { if (my === seq) { pending = false; say(err && err.message && /[\u4e00-\u9fff]/.test(err.message) ? err.message : "网络不通，未能识别"); } });
      };
      // setWriting turns the pad on or off; pinyin still typed is dropped,
      // not put in the field as letters.
      var setWriting = function (on) {
        writing = on;
        comp = "";
        clearInk(); lookup();
        hwPad.hidden = !on;
        ime.querySelectorAll(".imerow.keys").forEach(function (r) { r.hidden = on; });
        if (!on) setMode(chinese);
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
          // The server reads at most 2,000 points a character.
          if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) < 6 || stroke.length >= 200 || points + stroke.length >= 1990) return;
          stroke.push(p);
          ink.beginPath(); ink.moveTo(q[0], q[1]); ink.lineTo(p[0], p[1]); ink.stroke();
        });
        var end = function () {
          if (!stroke) return;
          if (strokes.length < 40) { strokes.push(stroke); points += stroke.length; }
          stroke = null;
          drawGuide();
          recognise();
        };
        canvas.addEventListener("pointerup", end);
        canvas.addEventListener("pointercancel", end);
      }
      // done (完成) closes the keyboard — but not over pinyin or a
      // character still being written: a guess put in silently is often
      // wrong (wangwu is not 王屋), so the resident is asked to choose.
      var done = function () {
        doneWanted = false;
        if (comp && chinese) { say("请先点选上方的字词，或按“删除”清除拼音"); return; }
        if (strokes.length) { say("请先点选上方的字，或点“重写”"); return; }
        if (comp) { put(comp); comp = ""; }
        hide();
        document.body.classList.remove("imed");
        if (field) field.blur();
      };
      // setMode switches between Chinese (pinyin) and letters, with the
      // punctuation of each.
      var modeBtn = ime.querySelector("[data-ime-mode]");
      var setMode = function (zh) {
        chinese = zh;
        if (modeBtn) modeBtn.textContent = chinese ? "中/英" : "英/中";
        ime.querySelectorAll(".imerow.punct").forEach(function (r) { r.hidden = writing || r.getAttribute("data-for") !== (chinese ? "zh" : "en"); });
      };
      setMode(true);
      var show = function (f) {
        if (f !== field) {
          field = f;
          // Letters for an e-mail address, a credit code, a passport.
          if (writing) setWriting(false);
          setMode(f.getAttribute("data-ime") !== "latin");
          if (hwBtn) hwBtn.hidden = !chinese || !root.hasAttribute("data-hw");
        }
        ime.hidden = false;
        document.body.classList.add("imed");
        // The field in sight above the keyboard, under the title bar.
        var bar = document.querySelector("header.bar");
        window.scrollBy(0, f.getBoundingClientRect().top - (bar ? bar.getBoundingClientRect().height : 0) - 56); // its label too
      };
      var hide = function () { doneWanted = false; if (!inline) ime.hidden = true; comp = ""; clearInk(); cands = []; render(); };
      document.addEventListener("focusin", function (e) {
        if (e.target.hasAttribute && e.target.hasAttribute("data-ime") && !keypadKind(e.target)) {
          if (enabled && !inline) show(e.target);
        } else if (!ime.contains(e.target) && !inline) {
          hide(); // as the keypad: nothing moves, so a tap elsewhere acts
        }
      });
      ime.addEventListener("pointerdown", function (e) { e.preventDefault(); }); // keep the field focused
      // The text size changes without closing the keyboard or losing the
      // pinyin typed.
      document.querySelectorAll(".sizes button").forEach(function (b) {
        b.addEventListener("pointerdown", function (e) { if (!ime.hidden) e.preventDefault(); });
      });
      ime.addEventListener("click", function (e) {
        var b = e.target.closest("button");
        if (!b || !field) return;
        if (said) { said = ""; render(); }
        if (b.hasAttribute("data-ime-cand")) {
          var c = cands[parseInt(b.getAttribute("data-ime-cand"), 10)];
          if (c) take(c);
        } else if (b.hasAttribute("data-ime-key")) {
          doneWanted = false;
          var k = b.getAttribute("data-ime-key");
          if (/^[a-z]$/.test(k) && chinese) { if (comp.length < 30) { comp += k; lookup(); } }
          else if (k === " " && (comp || strokes.length)) { if (cands.length) take(cands[0]); }
          else if (comp && chinese) say("请先点选上方的字词，或按“删除”清除拼音");
          else put(k);
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
          setMode(!chinese);
        } else if (b.hasAttribute("data-ime-done")) {
          done();
        } else if (b.hasAttribute("data-ime-clear")) {
          comp = ""; clearInk(); lookup();
          field.value = "";
          field.dispatchEvent(new Event("input", { bubbles: true }));
        } else if (b.hasAttribute("data-ime-go")) {
          // 搜索: letters not yet turned into characters are searched as
          // they are (the search reads pinyin and initials).
          if (strokes.length) { say("请先点选上方的字，或点“重写”"); return; }
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

    // A link in a publication's text leads a hall's screen nowhere: the
    // screen stays on the kiosk's pages (no other site, no new window); a
    // phone follows it.
    if (isKiosk()) {
      document.querySelectorAll("article.body a[href]").forEach(function (a) {
        a.addEventListener("click", function (e) {
          e.preventDefault();
          var note = document.getElementById("no-links");
          if (!note) {
            note = document.createElement("p");
            note.id = "no-links"; note.className = "notice"; note.setAttribute("role", "status");
            a.closest("article").insertAdjacentElement("afterend", note);
          }
          note.textContent = "查询机不能打开正文中的网址（" + a.getAttribute("href") + "）。请用手机扫描本页二维码，在手机上查看。";
        });
      });
    }

    // Leaving an application (‹ 返回, ⌂ 首页) asks first: what is typed
    // would be lost.
    var appForm = document.querySelector("form.applyform[action='/kiosk/apply'], form.confirm");
    if (appForm) {
      document.querySelectorAll("header a").forEach(function (a) {
        a.addEventListener("click", function (e) {
          var typed = appForm.classList.contains("confirm");
          appForm.querySelectorAll("input[type=text], input:not([type]), textarea").forEach(function (f) { if (f.value.trim()) typed = true; });
          if (typed && !window.confirm("离开此页，已填写的申请内容将被清除。确定离开吗？")) e.preventDefault();
        });
      });
    }

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
