// newsdesk: the only script. Pages work without it; it fetches the article summary in place, sends
// the article page's mark buttons without a reload, and adds keyboard shortcuts to article lists
// (j/k move, o or Enter open, s star, m read/unread, ? help), as in Miniflux and FreshRSS.
"use strict";
(function () {
  document.documentElement.classList.add("js");

  function renderSummary(box, data) {
    var body = box.querySelector(".summary-body");
    body.textContent = "";
    var list = document.createElement("ul");
    list.className = "summary-sentences";
    (data.sentences || []).forEach(function (sentence) {
      var item = document.createElement("li");
      item.textContent = sentence.text;  // text only: never parsed as HTML
      list.appendChild(item);
    });
    if (!list.children.length) {
      var none = document.createElement("p");
      none.className = "muted";
      none.textContent = "No summary could be made for this article.";
      body.appendChild(none);
      return;
    }
    body.appendChild(list);  // the method stays in the API's JSON ("method"), not on the page
  }

  function showError(box, message) {
    var body = box.querySelector(".summary-body");
    body.textContent = "";
    var p = document.createElement("p");
    p.className = "notice error";
    p.textContent = message;
    body.appendChild(p);
  }

  function loadSummary(box) {
    if (box.dataset.loaded) { return; }
    box.dataset.loaded = "loading";
    var id = box.getAttribute("data-article");
    var body = box.querySelector(".summary-body");
    body.setAttribute("aria-busy", "true");
    body.textContent = "Summarising…";
    fetch("/api/articles/" + encodeURIComponent(id) + "/summary", { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.detail || data.title || ("HTTP " + response.status)); }
          return data;
        });
      })
      .then(function (data) { renderSummary(box, data); box.dataset.loaded = "yes"; })
      .catch(function (error) { showError(box, "Could not get a summary: " + error.message); delete box.dataset.loaded; })
      .finally(function () { body.removeAttribute("aria-busy"); });
  }

  // --- read state ------------------------------------------------------------------------------
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function loggedIn() { return document.body.hasAttribute("data-user") && !document.body.hasAttribute("data-read-only"); }

  function status(message) {
    var box = document.querySelector(".key-status");
    if (!box) {
      box = document.createElement("div");
      box.className = "key-status";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = message;
    window.clearTimeout(status.timer);
    status.timer = window.setTimeout(function () { box.textContent = ""; }, 2500);
  }

  // PATCH the reader's own marks; resolves to the article's new state
  function mark(articleId, change) {
    return fetch("/api/articles/" + encodeURIComponent(articleId) + "/state", {
      method: "PATCH", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(change)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.detail || data.title || ("HTTP " + response.status)); }
        return data;
      });
    });
  }

  function showItemState(item, state) {
    item.classList.toggle("unread", !state.read);
    item.classList.toggle("starred", state.starred);
    item.classList.toggle("kept", state.kept);
    var badge = item.querySelector(".badge-unread");
    if (badge) { badge.hidden = state.read; }
    var star = item.querySelector(".star-mark");
    if (star) { star.hidden = !state.starred; }
  }

  function showButtons(box, state) {
    box.querySelectorAll("form.mark-form").forEach(function (form) {
      var field = form.getAttribute("data-field");
      var on = !!state[field];
      var button = form.querySelector("button");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? button.getAttribute("data-on") : button.getAttribute("data-off");
      form.querySelector('input[name="' + field + '"]').value = on ? "0" : "1";
    });
  }

  function enhanceMarkForms() {
    document.querySelectorAll(".marks").forEach(function (box) {
      box.addEventListener("submit", function (event) {
        var form = event.target;
        var field = form.getAttribute("data-field");
        if (!field) { return; }
        event.preventDefault();
        var change = {};
        change[field] = form.querySelector('input[name="' + field + '"]').value === "1";
        mark(box.getAttribute("data-article"), change)
          .then(function (state) { showButtons(box, state); })
          .catch(function (error) { status("Could not save: " + error.message); });
      });
    });
  }

  // --- keyboard shortcuts ---------------------------------------------------------------------
  var HELP = [["j", "next item"], ["k", "previous item"], ["o / Enter", "open the item"],
              ["s", "star / unstar"], ["m", "mark read / unread"], ["?", "show / hide this help"]];

  function helpOverlay() {
    var overlay = document.querySelector(".key-help");
    if (overlay) { return overlay; }
    overlay = document.createElement("div");
    overlay.className = "key-help";
    overlay.hidden = true;
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", "Keyboard shortcuts");
    var box = document.createElement("div");
    box.className = "key-help-box";
    var title = document.createElement("h2");
    title.textContent = "Keyboard shortcuts";
    var list = document.createElement("dl");
    HELP.forEach(function (row) {
      var key = document.createElement("dt");
      key.textContent = row[0];
      var what = document.createElement("dd");
      what.textContent = row[1];
      list.appendChild(key);
      list.appendChild(what);
    });
    box.appendChild(title);
    box.appendChild(list);
    overlay.appendChild(box);
    overlay.addEventListener("click", function () { overlay.hidden = true; });
    document.body.appendChild(overlay);
    return overlay;
  }

  function items() { return Array.prototype.slice.call(document.querySelectorAll(".nav-item[data-article]")); }

  function current() { return document.querySelector(".nav-item.is-current"); }

  function move(step) {
    var all = items();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.max(0, Math.min(all.length - 1, index + step));
    all.forEach(function (item) { item.classList.remove("is-current"); item.removeAttribute("aria-current"); });
    all[next].classList.add("is-current");
    all[next].setAttribute("aria-current", "true");
    all[next].scrollIntoView({ block: "nearest" });
  }

  function open(item) {
    var link = item && item.querySelector('a[href^="/articles/"]');
    if (link) { window.location.assign(link.getAttribute("href")); }
  }

  function toggle(field) {
    var item = current();
    var marks = document.querySelector(".marks");
    if (!item && !marks) { return; }
    if (!loggedIn()) { status("Log in to star articles or mark them read."); return; }
    var change = {};
    if (item) {
      change[field] = field === "read" ? item.classList.contains("unread") : !item.classList.contains("starred");
      mark(item.getAttribute("data-article"), change)
        .then(function (state) { showItemState(item, state); status(field === "read" ? (state.read ? "Marked read" : "Marked unread") : (state.starred ? "Starred" : "Unstarred")); })
        .catch(function (error) { status("Could not save: " + error.message); });
    } else {
      var pressed = marks.querySelector('form[data-field="' + field + '"] button').getAttribute("aria-pressed") === "true";
      change[field] = !pressed;
      mark(marks.getAttribute("data-article"), change)
        .then(function (state) { showButtons(marks, state); })
        .catch(function (error) { status("Could not save: " + error.message); });
    }
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var overlay = document.querySelector(".key-help");
    if (event.key === "Escape" && overlay) { overlay.hidden = true; return; }
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": open(current()); break;
      case "Enter":
        if (current() && (!target || target === document.body || target.classList.contains("nav-item"))) { open(current()); } else { handled = false; }
        break;
      case "s": toggle("starred"); break;
      case "m": toggle("read"); break;
      case "?": helpOverlay().hidden = !helpOverlay().hidden; break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceMarkForms();
    document.addEventListener("keydown", onKey);
    document.querySelectorAll("details.get-summary").forEach(function (box) {
      if (box.querySelector(".summary-sentences")) { box.dataset.loaded = "yes"; }
      box.addEventListener("toggle", function () { if (box.open) { loadSummary(box); } });
    });
  });
})();
