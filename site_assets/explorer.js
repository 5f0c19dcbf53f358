/* Attention explorer: turns <div class="atlas-explorer" data-src=".../explorer.json"> into
 * a row of token buttons. Hovering or focusing a token shows the weights it (as the query)
 * gives to every token, as background intensity and as numbers. Self-hosted, no dependencies.
 * Data format: {"views": [{"name": {"ja", "en"}, "tokens": [...], "heads": [{"label",
 * "weights": [[...]]}]}]}
 * with rows = queries. Without JavaScript the static figure next to the hook remains.
 */
(function () {
  "use strict";

  var TEXT = {
    ja: {
      view: "ビュー",
      head: "ヘッド",
      tokens: "トークン",
      hint: "トークンにカーソルを合わせるか、Tab／矢印キーで選ぶと、そのトークン（クエリ）が各トークンに与える重みが表示されます。",
      gives: "{q} が与える重み: ",
      weight: "重み",
      query: "クエリ",
      failed: "注意の重みを読み込めませんでした。下の図をご覧ください。",
    },
    en: {
      view: "View",
      head: "Head",
      tokens: "Tokens",
      hint: "Hover over a token, or select it with Tab or the arrow keys, to see the weights it gives (as the query) to every token.",
      gives: "{q} gives: ",
      weight: "weight",
      query: "query",
      failed: "Could not load the attention weights; the figure below shows them.",
    },
  };

  function pageLang() {
    var lang = (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
    return TEXT[lang] ? lang : "en";
  }

  function strings() {
    return TEXT[pageLang()];
  }

  // A view's name is {"ja": ..., "en": ...}; renderings made before that hold one string.
  function viewName(view) {
    var name = view.name;
    if (name && typeof name === "object") return name[pageLang()] || name.en || "";
    return name || "";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fmt(w) {
    return (Math.round(w * 100) / 100).toFixed(2);
  }

  function validate(data) {
    if (!data || !Array.isArray(data.views) || data.views.length === 0) {
      throw new Error("explorer.json: 'views' must be a non-empty list");
    }
    data.views.forEach(function (v, i) {
      var n = (v.tokens || []).length;
      if (!n || !Array.isArray(v.heads) || v.heads.length === 0) {
        throw new Error("explorer.json: view " + i + " needs tokens and heads");
      }
      v.heads.forEach(function (h, k) {
        if (!Array.isArray(h.weights) || h.weights.length !== n) {
          throw new Error("explorer.json: view " + i + " head " + k + " is not " + n + " x " + n);
        }
      });
    });
    return data;
  }

  function selector(label, names, initial, onChange) {
    var wrap = el("label", { class: "atlas-explorer__control" });
    wrap.appendChild(el("span", {}, label));
    var select = el("select");
    names.forEach(function (name, i) {
      var opt = el("option", { value: String(i) }, name);
      if (i === initial) opt.selected = true;
      select.appendChild(opt);
    });
    select.addEventListener("change", function () {
      onChange(Number(select.value));
    });
    wrap.appendChild(select);
    return wrap;
  }

  function Explorer(root, data) {
    this.root = root;
    this.data = data;
    this.t = strings();
    var v = Number(root.getAttribute("data-view") || "0");
    this.view = v >= 0 && v < data.views.length ? v : 0;
    this.head = 0;
    this.query = 0;
    this.render();
  }

  Explorer.prototype.current = function () {
    var view = this.data.views[this.view];
    return { view: view, weights: view.heads[Math.min(this.head, view.heads.length - 1)].weights };
  };

  Explorer.prototype.render = function () {
    var self = this;
    var t = this.t;
    var view = this.data.views[this.view];
    this.root.textContent = "";
    this.root.classList.add("atlas-explorer--ready");

    var controls = el("div", { class: "atlas-explorer__controls" });
    if (this.data.views.length > 1) {
      var names = this.data.views.map(function (x, i) {
        return viewName(x) || String(i + 1);
      });
      controls.appendChild(
        selector(t.view, names, this.view, function (i) {
          self.view = i;
          self.head = 0;
          self.query = 0;
          self.render();
          self.focusToken(0);
        })
      );
    }
    if (view.heads.length > 1) {
      var heads = view.heads.map(function (h, i) {
        return h.label || String(i + 1);
      });
      controls.appendChild(
        selector(t.head, heads, this.head, function (i) {
          self.head = i;
          self.show(self.query);
        })
      );
    }
    if (controls.childNodes.length) this.root.appendChild(controls);

    this.root.appendChild(el("p", { class: "atlas-explorer__hint" }, t.hint));
    var row = el("div", {
      class: "atlas-explorer__tokens",
      role: "group",
      "aria-label": t.tokens + (viewName(view) ? " — " + viewName(view) : ""),
    });
    this.buttons = view.tokens.map(function (tok, i) {
      var b = el("button", { type: "button", class: "atlas-token", "data-index": String(i) });
      b.appendChild(el("span", { class: "atlas-token__text" }, String(tok)));
      b.appendChild(el("span", { class: "atlas-token__weight", "aria-hidden": "true" }, ""));
      b.addEventListener("mouseenter", function () {
        self.show(i);
      });
      b.addEventListener("focus", function () {
        self.show(i);
      });
      b.addEventListener("click", function () {
        self.show(i);
      });
      b.addEventListener("keydown", function (ev) {
        self.onKey(ev, i);
      });
      row.appendChild(b);
      return b;
    });
    this.root.appendChild(row);
    this.status = el("p", { class: "atlas-explorer__status", "aria-live": "polite" });
    this.root.appendChild(this.status);
    this.show(this.query);
  };

  Explorer.prototype.onKey = function (ev, i) {
    var n = this.buttons.length;
    var next = null;
    if (ev.key === "ArrowRight" || ev.key === "ArrowDown") next = (i + 1) % n;
    else if (ev.key === "ArrowLeft" || ev.key === "ArrowUp") next = (i - 1 + n) % n;
    else if (ev.key === "Home") next = 0;
    else if (ev.key === "End") next = n - 1;
    if (next === null) return;
    ev.preventDefault();
    this.focusToken(next);
  };

  Explorer.prototype.focusToken = function (i) {
    if (this.buttons[i]) this.buttons[i].focus();
  };

  Explorer.prototype.show = function (q) {
    var cur = this.current();
    var row = cur.weights[q] || [];
    var tokens = cur.view.tokens;
    var t = this.t;
    var max = 0;
    row.forEach(function (w) {
      if (w > max) max = w;
    });
    this.query = q;
    this.buttons.forEach(function (b, j) {
      var w = Number(row[j] || 0);
      // Scale by the row maximum so a flat row still shows its shape; the number stays exact.
      b.style.setProperty("--atlas-w", String(max > 0 ? w / max : 0));
      b.classList.toggle("atlas-token--query", j === q);
      b.setAttribute("aria-pressed", j === q ? "true" : "false");
      b.querySelector(".atlas-token__weight").textContent = fmt(w);
      b.setAttribute(
        "aria-label",
        String(tokens[j]) + ", " + t.weight + " " + fmt(w) + (j === q ? " (" + t.query + ")" : "")
      );
    });
    this.buttons.forEach(inkFor);
    var order = row
      .map(function (w, j) {
        return [Number(w), j];
      })
      .sort(function (a, b) {
        return b[0] - a[0];
      })
      .slice(0, 3)
      .map(function (p) {
        return String(tokens[p[1]]) + " " + fmt(p[0]);
      });
    this.status.textContent = t.gives.replace("{q}", String(tokens[q])) + order.join(", ");
  };

  function channels(css) {
    var m = css.match(/[\d.]+/g) || ["255", "255", "255"];
    var scale = css.indexOf("rgb") === 0 ? 255 : 1;
    return m.slice(0, 3).map(function (x) {
      var c = Number(x) / scale;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
  }

  // The tint goes from the page background to the accent, so the ink that stays readable
  // changes along the way (and with the palette): pick dark or light ink from the tint itself.
  // Whichever of the two contrasts more is always at least 4.5:1.
  function inkFor(button) {
    var c = channels(getComputedStyle(button).backgroundColor);
    var lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    var dark = lum > 0.179;
    button.classList.toggle("atlas-token--ink-dark", dark);
    button.classList.toggle("atlas-token--ink-light", !dark);
  }

  function fail(root, err) {
    root.classList.add("atlas-explorer--failed");
    root.textContent = strings().failed;
    root.setAttribute("data-error", String(err && err.message ? err.message : err));
  }

  // Material switches palettes by changing attributes on <body>: re-ink the shown rows.
  function watchPalette() {
    if (!window.MutationObserver || !document.body) return;
    new MutationObserver(function () {
      var roots = document.querySelectorAll(".atlas-explorer--ready");
      Array.prototype.forEach.call(roots, function (root) {
        if (root.atlasExplorer) root.atlasExplorer.show(root.atlasExplorer.query);
      });
    }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  function init(scope) {
    var roots = (scope || document).querySelectorAll(".atlas-explorer[data-src]");
    Array.prototype.forEach.call(roots, function (root) {
      if (root.getAttribute("data-atlas-init")) return;
      root.setAttribute("data-atlas-init", "1");
      var src = new URL(root.getAttribute("data-src"), window.location.href).toString();
      fetch(src)
        .then(function (r) {
          if (!r.ok) throw new Error(src + ": HTTP " + r.status);
          return r.json();
        })
        .then(function (data) {
          root.atlasExplorer = new Explorer(root, validate(data));
        })
        .catch(function (err) {
          fail(root, err);
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchPalette);
  } else {
    watchPalette();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () {
      init(document);
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
})();
