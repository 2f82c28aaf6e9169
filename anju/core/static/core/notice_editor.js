/* A small WYSIWYG editor for notices, as progressive enhancement of a textarea of HTML.
 *
 * Usage: <textarea data-rich-editor data-images-id="ID of a json_script with [{src, alt}]">.
 * Without JavaScript the textarea works as before. With it, staff edit in a contenteditable box with a
 * toolbar (heading, bold, lists, link, image, undo); the HTML goes back into the textarea on every
 * change, so the form posts as it always did. Pasting (from Word, WPS, a web page) keeps only what the
 * server's allowlist keeps (anju/core/sanitise.py); the server sanitises again regardless.
 * No library: document.execCommand is deprecated on paper but is what every browser implements for
 * contenteditable, and it keeps the browser's own undo history working.
 */
(function () {
  "use strict";

  // Mirrors ALLOWED_TAGS / ALLOWED_ATTRS / DROP_CONTENT of anju/core/sanitise.py.
  var ALLOWED = {
    p: [], br: [], strong: [], b: [], em: [], i: [], u: [], s: [], ul: [], ol: [], li: [], h2: [], h3: [], h4: [],
    blockquote: [], a: ["href", "title"], img: ["src", "alt", "width", "height"], table: [], thead: [], tbody: [],
    tr: [], th: ["colspan", "rowspan"], td: ["colspan", "rowspan"], hr: []
  };
  var RENAME = { h1: "h2", h5: "h4", h6: "h4", strike: "s", del: "s", ins: "u" };
  var DROP = ["script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "select", "svg",
              "math", "head", "title", "meta", "link", "xml", "button", "input"];
  var BLOCKS = ["p", "ul", "ol", "h2", "h3", "h4", "blockquote", "table", "hr"];

  function safeUrl(value, image) {
    var v = (value || "").replace(/[\s\u0000-\u001f]/g, "");
    var m = /^([a-z][a-z0-9+.-]*):/i.exec(v);
    var scheme = m ? m[1].toLowerCase() : "";
    if (image) return (scheme === "https" || scheme === "") && v.indexOf("//") !== 0;
    return ["http", "https", "mailto", "tel", ""].indexOf(scheme) >= 0;
  }

  // Word marks its list paragraphs with a class and a fake bullet inside <!--[if !supportLists]-->.
  function wordListKind(el) {
    if (!/^(P|DIV|H[1-6])$/i.test(el.nodeName)) return null;
    var cls = el.getAttribute("class") || "";
    var style = el.getAttribute("style") || "";
    if (!/MsoListParagraph/i.test(cls) && !/mso-list:/i.test(style)) return null;
    var text = (el.textContent || "").replace(/^\s+/, "");
    return /^(\d+|[a-zA-Z]|[一二三四五六七八九十]+)[.)、．]/.test(text) ? "ol" : "ul";
  }

  function stripWordMarker(li) {
    // Drop the leading marker ("·", "1.", "一、") Word typed into the paragraph itself.
    var walker = li.ownerDocument.createTreeWalker(li, NodeFilter.SHOW_TEXT);
    var node = walker.nextNode();
    while (node && !node.nodeValue.trim()) node = walker.nextNode();
    if (node) node.nodeValue = node.nodeValue.replace(/^\s*([·•▪◦o§Ø\-–*]|\d+[.)．]|[a-zA-Z][.)]|[一二三四五六七八九十]+、)\s*/, "");
  }

  function cleanChildren(source, target, doc) {
    var child = source.firstChild;
    var list = null;
    while (child) {
      var next = child.nextSibling;
      if (child.nodeType === 3) {
        if (!(list && !child.nodeValue.trim())) {  // the line breaks between Word's list paragraphs
          target.appendChild(doc.createTextNode(child.nodeValue));
          list = null;
        }
      } else if (child.nodeType === 1) {
        var kind = wordListKind(child);
        if (kind) {
          if (!list || list.nodeName.toLowerCase() !== kind) {
            list = doc.createElement(kind);
            target.appendChild(list);
          }
          var li = doc.createElement("li");
          // Word wraps its typed bullet in <span style="mso-list:Ignore">, dropped below; older
          // exports have no such span, so the marker is taken off the text instead.
          var marked = /mso-list\s*:\s*ignore/i.test(child.innerHTML);
          cleanChildren(child, li, doc);
          if (!marked) stripWordMarker(li);
          list.appendChild(li);
        } else {
          list = null;
          cleanElement(child, target, doc);
        }
      }
      // comments (Word's <!--[if …]-->) and everything else are dropped
      child = next;
    }
  }

  function cleanElement(el, target, doc) {
    var tag = el.nodeName.toLowerCase();
    if (tag.indexOf(":") >= 0) {  // <o:p>, <v:shape>… of Office
      if (tag === "o:p") return;
      cleanChildren(el, target, doc);
      return;
    }
    if (DROP.indexOf(tag) >= 0) return;
    if (/display\s*:\s*none|mso-hide\s*:\s*all|mso-list\s*:\s*ignore/i.test(el.getAttribute("style") || "")) return;
    tag = RENAME[tag] || tag;
    if (tag === "div") tag = "p";
    if (!Object.prototype.hasOwnProperty.call(ALLOWED, tag)) {  // span, font, section…: keep the text
      cleanChildren(el, target, doc);
      return;
    }
    if (tag === "p" && /^(H2|H3|H4|LI|TD|TH)$/.test(target.nodeName)) {
      cleanChildren(el, target, doc);  // no paragraphs inside headings or list items
      return;
    }
    var out = doc.createElement(tag);
    ALLOWED[tag].forEach(function (name) {
      var value = el.getAttribute(name);
      if (value === null) return;
      if ((name === "href" || name === "src") && !safeUrl(value, name === "src")) return;
      if (["width", "height", "colspan", "rowspan"].indexOf(name) >= 0 && !/^\d+$/.test(value)) return;
      out.setAttribute(name, value);
    });
    if (tag === "img" && !out.getAttribute("src")) return;  // Word's file:/// pictures cannot travel
    if (tag === "a" && !out.getAttribute("href")) {
      cleanChildren(el, target, doc);
      return;
    }
    cleanChildren(el, out, doc);
    if (BLOCKS.indexOf(tag) >= 0 && tag !== "hr" && tag !== "table" && !out.textContent.trim() && !out.querySelector("img")) return;
    target.appendChild(out);
  }

  var LIFTED = /^(P|UL|OL|H2|H3|H4|TABLE|BLOCKQUOTE|HR)$/;

  /* Paragraphs holding blocks (Chromium puts a new list inside the paragraph it started in) become
   * the blocks with paragraphs of the text around them; a paragraph's trailing <br> placeholder goes. */
  function liftBlocks(box, doc) {
    Array.prototype.forEach.call(box.querySelectorAll("p"), function (p) {
      var holds = Array.prototype.some.call(p.childNodes, function (c) { return LIFTED.test(c.nodeName); });
      if (holds) {
        var run = null;
        while (p.firstChild) {
          var c = p.firstChild;
          if (LIFTED.test(c.nodeName)) {
            p.parentNode.insertBefore(c, p);
            run = null;
          } else {
            if (!run) { run = doc.createElement("p"); p.parentNode.insertBefore(run, p); }
            run.appendChild(c);
          }
        }
        p.parentNode.removeChild(p);
      }
    });
    Array.prototype.forEach.call(box.querySelectorAll("p, li, h2, h3, h4"), function (block) {
      var last = block.lastChild;
      while (last && last.nodeType === 3 && !last.nodeValue.trim() && last.previousSibling) last = last.previousSibling;
      if (last && last.nodeName === "BR" && block.childNodes.length > 1) block.removeChild(last);
      if (block.nodeName === "P" && !block.textContent.trim() && !block.querySelector("img")) block.parentNode.removeChild(block);
    });
  }

  /* Text typed straight into the empty editor is not in any block: give each run its paragraph. */
  function wrapLooseText(box, doc) {
    var run = null;
    Array.prototype.slice.call(box.childNodes).forEach(function (c) {
      if (LIFTED.test(c.nodeName)) { run = null; return; }
      if (!run) { run = doc.createElement("p"); box.insertBefore(run, c); }
      run.appendChild(c);
    });
    Array.prototype.forEach.call(box.querySelectorAll(":scope > p"), function (p) {
      if (p.lastChild && p.lastChild.nodeName === "BR") p.removeChild(p.lastChild);
      if (!p.textContent.trim() && !p.querySelector("img")) box.removeChild(p);
    });
  }

  /* Clean HTML for the editor: only allowlisted tags and attributes, Word's lists as real lists. */
  function cleanHtml(html) {
    // DOMParser makes an inert document: nothing in it runs or loads.
    var parsed = new DOMParser().parseFromString(html || "", "text/html");
    var box = parsed.createElement("div");
    cleanChildren(parsed.body, box, parsed);
    liftBlocks(box, parsed);
    wrapLooseText(box, parsed);
    return box.innerHTML;
  }

  /* Paragraphs as <div> while editing, <p> when saved (cleanHtml turns them back). Chromium's list
   * command nests a <ul> inside a <p> (invalid HTML the server would keep), but replaces a <div>.
   * Only for cleanHtml's output, whose <p> tags never carry attributes. */
  function forEditing(clean) {
    return clean.replace(/<p>/g, "<div>").replace(/<\/p>/g, "</div>");
  }

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  /* Plain text as paragraphs (blank line between), like plain_to_html on the server. */
  function textToHtml(text) {
    return (text || "").replace(/\r\n/g, "\n").split(/\n\s*\n/).map(function (p) { return p.trim(); })
      .filter(Boolean).map(function (p) { return "<p>" + escapeText(p).replace(/\n/g, "<br>") + "</p>"; }).join("");
  }

  function button(label, title, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-outline-secondary rich-btn";
    b.textContent = label;
    b.title = title;  // a hint (the description); the visible label stays the button's name
    b.dataset.action = action;
    // Keep the selection in the editor: a button press must not take the focus away first.
    b.addEventListener("mousedown", function (e) { e.preventDefault(); });
    return b;
  }

  function setup(textarea) {
    var t = function (key) { return textarea.dataset[key] || ""; };
    var wrap = document.createElement("div");
    wrap.className = "rich-editor";
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", t("labelToolbar"));
    var editor = document.createElement("div");
    editor.className = "rich-area notice-body form-control";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.dataset.testid = "rich-area";
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || textarea.id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function (e) { if (!sourceMode) { e.preventDefault(); editor.focus(); } });
    }

    var images = [];
    var imagesNode = textarea.dataset.imagesId && document.getElementById(textarea.dataset.imagesId);
    if (imagesNode) { try { images = JSON.parse(imagesNode.textContent) || []; } catch (err) { images = []; } }

    var tools = [
      button(t("labelHeading"), t("labelHeading"), "heading"),
      button(t("labelBold"), t("labelBold"), "bold"),
      button(t("labelBullets"), t("labelBullets"), "insertUnorderedList"),
      button(t("labelNumbers"), t("labelNumbers"), "insertOrderedList"),
      button(t("labelLink"), t("labelLink"), "link"),
      button(t("labelImage"), images.length ? t("labelImage") : t("labelImageNone"), "image"),
      button(t("labelUndo"), t("labelUndo"), "undo"),
      button(t("labelSource"), t("labelSource"), "source")
    ];
    tools[1].style.fontWeight = "700";
    tools.forEach(function (b) { bar.appendChild(b); });
    var imageButton = tools[5];
    if (!images.length) imageButton.disabled = true;

    var picker = document.createElement("div");
    picker.className = "rich-picker";
    picker.hidden = true;
    images.forEach(function (img) {
      var choice = document.createElement("button");
      choice.type = "button";
      choice.className = "btn btn-light rich-choice";
      choice.addEventListener("mousedown", function (e) { e.preventDefault(); });
      var thumb = document.createElement("img");
      thumb.src = img.src;
      thumb.alt = "";
      choice.appendChild(thumb);
      choice.appendChild(document.createTextNode(img.alt || ""));
      choice.addEventListener("click", function () {
        restore();
        var tag = '<img src="' + escapeText(img.src).replace(/"/g, "&quot;") + '" alt="' + escapeText(img.alt || "").replace(/"/g, "&quot;") + '">';
        document.execCommand("insertHTML", false, "<p>" + tag + "</p>");
        picker.hidden = true;
        sync();
      });
      picker.appendChild(choice);
    });

    var saved = null;
    function remember() {
      var sel = window.getSelection();
      if (sel.rangeCount && editor.contains(sel.anchorNode)) saved = sel.getRangeAt(0).cloneRange();
    }
    function restore() {
      editor.focus();
      if (saved) {
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(saved);
      }
    }
    function sync() {
      textarea.value = cleanHtml(editor.innerHTML);
    }
    function load() {
      var value = textarea.value;
      editor.innerHTML = forEditing(value.indexOf("<") >= 0 ? cleanHtml(value) : textToHtml(value));
    }
    function blockOf(node) {
      while (node && node !== editor) {
        if (node.nodeType === 1 && /^(H2|H3|H4|P|LI|DIV|BLOCKQUOTE)$/.test(node.nodeName)) return node.nodeName;
        node = node.parentNode;
      }
      return "";
    }
    function refresh() {
      var sel = window.getSelection();
      var inside = sel.rangeCount && editor.contains(sel.anchorNode);
      tools[0].setAttribute("aria-pressed", String(!!inside && blockOf(sel.anchorNode) === "H2"));
      ["bold", "insertUnorderedList", "insertOrderedList"].forEach(function (cmd, i) {
        tools[i + 1].setAttribute("aria-pressed", String(!!inside && document.queryCommandState(cmd)));
      });
    }

    var sourceMode = false;
    bar.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-action]");
      if (!b) return;
      var action = b.dataset.action;
      if (action === "source") {
        sourceMode = !sourceMode;
        if (sourceMode) { sync(); } else { load(); }
        textarea.hidden = !sourceMode;
        editor.hidden = sourceMode;
        tools.forEach(function (other) { if (other !== b) other.disabled = sourceMode || (other === imageButton && !images.length); });
        b.setAttribute("aria-pressed", String(sourceMode));
        (sourceMode ? textarea : editor).focus();
        return;
      }
      restore();
      if (action === "heading") {
        var sel = window.getSelection();
        document.execCommand("formatBlock", false, blockOf(sel.anchorNode) === "H2" ? "div" : "h2");
      } else if (action === "link") {
        var url = window.prompt(t("labelLinkPrompt"), "https://");
        if (url && url !== "https://") {
          url = url.trim();
          if (!/^(https?:|mailto:|tel:)/i.test(url)) url = "https://" + url;
          if (!safeUrl(url, false)) return;
          if (window.getSelection().isCollapsed) {
            document.execCommand("insertHTML", false, '<a href="' + escapeText(url).replace(/"/g, "&quot;") + '">' + escapeText(url) + "</a>");
          } else {
            document.execCommand("createLink", false, url);
          }
        }
      } else if (action === "image") {
        picker.hidden = !picker.hidden;
        return;
      } else {
        document.execCommand(action, false, null);
      }
      sync();
      refresh();
    });

    editor.addEventListener("paste", function (e) {
      var data = e.clipboardData;
      if (!data) return;
      e.preventDefault();
      var html = data.getData("text/html");
      var clean = html ? cleanHtml(html) : textToHtml(data.getData("text/plain"));
      if (clean) document.execCommand("insertHTML", false, forEditing(clean));
      sync();
    });
    editor.addEventListener("drop", function (e) { e.preventDefault(); });  // dropped files would bypass the upload
    editor.addEventListener("input", sync);
    editor.addEventListener("keyup", remember);
    editor.addEventListener("mouseup", remember);
    editor.addEventListener("blur", remember);
    document.addEventListener("selectionchange", function () {
      if (editor.contains(window.getSelection().anchorNode)) { remember(); refresh(); }
    });
    textarea.form.addEventListener("submit", function () { if (!sourceMode) sync(); });

    load();
    textarea.hidden = true;
    wrap.appendChild(bar);
    wrap.appendChild(picker);
    wrap.appendChild(editor);
    textarea.parentNode.insertBefore(wrap, textarea);
    wrap.appendChild(textarea);
    document.execCommand("defaultParagraphSeparator", false, "div");
    textarea.dispatchEvent(new CustomEvent("rich-editor:ready", { bubbles: true }));
  }

  window.anjuCleanHtml = cleanHtml;  // for the browser test of paste cleaning
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich-editor]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
