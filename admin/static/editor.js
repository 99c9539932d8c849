// The body editor (正文): Jodit on the form's textarea. Headings,
// paragraphs, emphasis, lists, tables and links; paste from Word or WPS
// keeps the structure and drops the styling. The server keeps the HTML
// only through its allow-list (catalog.CleanBody), whatever is sent.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Deleting asks first: it cannot be undone.
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) { if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault(); });
    });
    // The policy an interpretation explains: the published ones whose name,
    // 文号 or 索引号 has the words typed, offered as a list.
    var policy = document.querySelector("input[data-policy-unit]"), list = document.getElementById("policy-list");
    if (policy && list) {
      var timer = null, seq = 0;
      policy.addEventListener("input", function () {
        clearTimeout(timer);
        var q = policy.value.trim();
        if (q.length < 2 || /#\d+$/.test(q)) return;
        timer = setTimeout(function () {
          var my = ++seq;
          fetch("/admin/policies?unit=" + encodeURIComponent(policy.getAttribute("data-policy-unit")) + "&q=" + encodeURIComponent(q))
            .then(function (r) { return r.ok ? r.json() : []; })
            .then(function (os) {
              if (my !== seq) return;
              list.textContent = "";
              os.forEach(function (o) { var opt = document.createElement("option"); opt.value = o.label; list.appendChild(opt); });
            }).catch(function () {});
        }, 250);
      });
    }
    var area = document.querySelector("textarea[data-editor]");
    if (!area || !window.Jodit) return;
    window.gkEditor = window.Jodit.make(area, {
      language: "zh_cn",
      minHeight: 360,
      height: 520,
      toolbarAdaptive: false,
      toolbarSticky: false,
      buttons: ["paragraph", "bold", "italic", "underline", "strikethrough", "|", "ul", "ol", "indent", "outdent", "|",
        "table", "link", "hr", "|", "undo", "redo", "eraser"],
      controls: { paragraph: { list: { p: "正文", h2: "标题（二级）", h3: "标题（三级）", h4: "标题（四级）", blockquote: "引用" } } },
      // Paste: the structure stays (headings, lists, tables), the styling goes.
      askBeforePasteHTML: false,
      askBeforePasteFromWord: false,
      processPasteFromWord: true,
      defaultActionOnPaste: "insert_clear_html",
      defaultActionOnPasteFromWord: "insert_clear_html",
      // Nothing from outside: no source editor from a CDN, no uploads,
      // no images pasted in as data.
      sourceEditor: "area",
      beautifyHTML: false,
      // Nor what the server's allow-list would drop: colours, fonts,
      // alignment, copied formats.
      disablePlugins: ["color", "font", "justify", "copyformat", "image", "image-processor", "image-properties", "video", "file", "media", "iframe", "drag-and-drop",
        "drag-and-drop-element", "speech-recognize", "ai-assistant", "print", "about", "source", "powered-by-jodit", "xpath"],
      uploader: { insertImageAsBase64URI: false },
      // What the server would drop goes at once, so the clerk sees what
      // will be published.
      cleanHTML: { denyTags: "script,style,img,iframe,object,embed,video,audio,form,input,button,select,textarea,meta,link,base,svg,math" },
      showCharsCounter: true,
      showWordsCounter: false,
      showXPathInStatusbar: false,
      placeholder: "在此输入正文，可从Word、WPS粘贴（保留段落、列表和表格，不保留字体颜色等格式）"
    });
    // The editor copies what is typed to the textarea a moment later: a
    // form sent at once sends what is on the screen.
    if (area.form) area.form.addEventListener("submit", function () { area.value = window.gkEditor.value; }, true);
  });
})();
