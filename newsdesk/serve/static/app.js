// newsdesk: the only script. Pages work without it; it fetches the article summary in place.
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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("details.get-summary").forEach(function (box) {
      if (box.querySelector(".summary-sentences")) { box.dataset.loaded = "yes"; }
      box.addEventListener("toggle", function () { if (box.open) { loadSummary(box); } });
    });
  });
})();
