// ydsearch: search as you type, and tidy URLs.  The page works without this file:
// the form submits normally and every link is a plain link.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form || !window.fetch || !window.URLSearchParams || !window.DOMParser) return;
  var input = form.elements.q;
  var results = document.getElementById("results");
  var timer = null, controller = null, composing = false;
  var shown = location.pathname === form.getAttribute("action") ? location.search : null;

  // The form's values as a query string, without the empty fields.
  function queryString() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      value = String(value).trim();
      if (value) params.append(key, value);
    });
    var s = params.toString();
    return s ? "?" + s : "";
  }

  function update() {
    var qs = queryString();
    if (qs === shown) return;
    shown = qs;
    var url = form.getAttribute("action") + qs;
    if (controller) controller.abort();
    controller = new AbortController();
    results.setAttribute("aria-busy", "true");
    fetch(url, {signal: controller.signal, headers: {"Accept": "text/html"}})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("results");
        if (!fresh) { location.assign(url); return; }
        results.innerHTML = fresh.innerHTML;
        document.title = page.title;
        var q = page.getElementById("q");
        if (q && q.hasAttribute("aria-invalid")) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
        history.replaceState(null, "", url);
        results.removeAttribute("aria-busy");
      })
      .catch(function (err) {
        if (err.name !== "AbortError") { results.removeAttribute("aria-busy"); shown = null; }
      });
  }

  function later() {
    if (composing) return;            // an IME is still composing (pinyin): wait
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  }

  if (results && shown !== null) {
    input.addEventListener("compositionstart", function () { composing = true; });
    input.addEventListener("compositionend", function () { composing = false; later(); });
    input.addEventListener("input", function (e) { if (!e.isComposing) later(); });
    form.addEventListener("change", function (e) { if (e.target !== input) later(); });
  }

  // Submitting leaves the empty fields out of the address, so it can be shared.
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    location.assign(form.getAttribute("action") + queryString());
  });

  // "/" puts the cursor in the search box.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey &&
        !(t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement)) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
})();
