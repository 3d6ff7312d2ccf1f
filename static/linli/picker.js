// The type-ahead picker (linli/core/widgets.py Picker): search as you type, pick with a tap, arrows + Enter;
// data-picker-multiple: each pick becomes a removable chip and the box empties for the next search.
(function () {
  "use strict";
  var seq = 0;

  function setup(root) {
    var input = root.querySelector("[data-picker-input]");
    var multiple = root.hasAttribute("data-picker-multiple");
    var chips = root.querySelector("[data-picker-chips]");
    var hidden = multiple ? null : root.querySelector("[data-picker-value]");
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
    function hiddenInput(name, value) {
      var el = document.createElement("input");
      el.type = "hidden";
      el.name = name;
      el.value = value;
      return el;
    }
    function addChip(value, label) {
      // multiple: one chip a value (a hidden value, a hidden label, a remove button); a repeat is not added
      var taken = Array.prototype.some.call(chips.querySelectorAll("[data-picker-value]"),
        function (el) { return el.value === value; });
      if (taken) return;
      var chip = document.createElement("span");
      chip.className = "picker-chip";
      chip.setAttribute("data-testid", "picker-chip");
      var v = hiddenInput(root.dataset.name, value);
      v.setAttribute("data-picker-value", "");
      chip.appendChild(v);
      chip.appendChild(hiddenInput(root.dataset.labelName, label));
      var text = document.createElement("span");
      text.textContent = label;
      chip.appendChild(text);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "picker-remove";
      remove.setAttribute("data-picker-remove", "");
      remove.setAttribute("aria-label", (root.dataset.removeText || "") + " " + label);
      remove.textContent = "×";
      chip.appendChild(remove);
      chips.appendChild(chip);
      v.dispatchEvent(new Event("change", {bubbles: true}));
    }
    function pick(o) {
      if (multiple) {
        addChip(o.dataset.value, o.dataset.label);
        input.value = "";
        open(false);
        return;
      }
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
      if (hidden) hidden.value = "";
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
    if (chips) {
      chips.addEventListener("click", function (e) {
        var button = e.target.closest("[data-picker-remove]");
        if (!button) return;
        e.preventDefault();
        button.closest(".picker-chip").remove();
        input.focus();
      });
    }
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
