// The type-ahead picker (linli/core/widgets.py Picker): search as you type, pick with a tap, arrows + Enter.
(function () {
  "use strict";
  var seq = 0;

  function setup(root) {
    var input = root.querySelector("[data-picker-input]");
    var hidden = root.querySelector("[data-picker-value]");
    var list = root.querySelector("[role=listbox]");
    var timer = null, controller = null, active = -1, listId = list.id || ("picker-" + (++seq));
    list.id = listId;

    function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); }
    function open(yes) {
      list.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) input.removeAttribute("aria-activedescendant");
    }
    function highlight(i) {
      var opts = options();
      opts.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (opts[i]) {
        input.setAttribute("aria-activedescendant", opts[i].id);
        opts[i].scrollIntoView({block: "nearest"});
      }
    }
    function pick(o) {
      hidden.value = o.dataset.value;
      input.value = o.dataset.label;
      open(false);
      hidden.dispatchEvent(new Event("change", {bubbles: true}));
    }
    function search() {
      var q = input.value.trim();
      if (!q) { open(false); return; }
      if (controller) controller.abort();
      controller = new AbortController();
      var url = new URL(root.dataset.url, window.location.href);
      url.searchParams.set("q", q);
      fetch(url, {headers: {"HX-Request": "true"}, credentials: "same-origin", signal: controller.signal})
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          list.innerHTML = html;
          options().forEach(function (o, j) { o.id = listId + "-" + j; });
          open(true);
          highlight(options().length ? 0 : -1);
        })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (e) {
      var opts = options();
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (list.hidden) search(); else highlight(Math.min(active + 1, opts.length - 1));
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (e.key === "Enter" && !list.hidden && opts[active]) {
        e.preventDefault();
        pick(opts[active]);
      } else if (e.key === "Escape" && !list.hidden) {
        e.preventDefault();
        open(false);
      }
    });
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep the focus in the box
    list.addEventListener("click", function (e) {
      var o = e.target.closest("[role=option]");
      if (o) pick(o);
    });
    input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 150); });
  }

  function init(scope) {
    scope.querySelectorAll("[data-picker]:not([data-picker-ready])").forEach(function (root) {
      root.setAttribute("data-picker-ready", "");
      setup(root);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.detail.elt); });
})();
