/* Attention explorer: turns <div class="atlas-explorer" data-src=".../explorer.json"> into a
 * row of query buttons and a row of key cells. Choosing a query (hover, tap, focus, arrow keys)
 * shows the weights it gives to every key: each cell prints its weight and is tinted on a fixed
 * 0..1 scale (a legend says so), so the colours of two rows can be compared.
 *
 * Data: {"views": [{"name", "tokens", "query_tokens", "heads": [{"label", "weights"}]}]}.
 * Rows are queries: `query_tokens` when given (cross-attention, rectangular), else `tokens`
 * (self-attention, square); columns are `tokens`. `name` is a string or {"ja", "en"}.
 * Interface words come from the page (<script type="application/json" id="atlas-explorer-text">,
 * written by the site generator); without JavaScript the static figure next to the hook remains.
 */
(function () {
  "use strict";

  var FALLBACK = {
    view: "View",
    head: "Head",
    queries: "Query",
    keys: "Weights that {q} gives to each token",
    hint: "Choose a query token to see the weights it gives to every token.",
    gives: "{q} gives: ",
    legend: "Weight (each query's weights add up to 1)",
    failed: "Could not load the attention weights; the figure below shows them.",
  };

  function lang() {
    return (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
  }

  function strings() {
    var node = document.getElementById("atlas-explorer-text");
    var out = {};
    Object.keys(FALLBACK).forEach(function (k) {
      out[k] = FALLBACK[k];
    });
    if (node) {
      try {
        var given = JSON.parse(node.textContent);
        Object.keys(given).forEach(function (k) {
          if (typeof given[k] === "string") out[k] = given[k];
        });
      } catch (err) {
        /* keep the fallback words */
      }
    }
    return out;
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

  /** A view or head name: a plain string, or {ja, en} picked by the page's language. */
  function named(value, fallback) {
    if (typeof value === "string" && value) return value;
    if (value && typeof value === "object") {
      var v = value[lang()] || value.en || value.ja;
      if (typeof v === "string" && v) return v;
    }
    return fallback;
  }

  function rowsOf(view) {
    return Array.isArray(view.query_tokens) && view.query_tokens.length
      ? view.query_tokens
      : view.tokens;
  }

  function validate(data) {
    if (!data || !Array.isArray(data.views) || data.views.length === 0) {
      throw new Error("explorer.json: 'views' must be a non-empty list");
    }
    data.views.forEach(function (v, i) {
      var cols = (v.tokens || []).length;
      if (!cols || !Array.isArray(v.heads) || v.heads.length === 0) {
        throw new Error("explorer.json: view " + i + " needs tokens and heads");
      }
      var rows = rowsOf(v).length;
      v.heads.forEach(function (h, k) {
        var ok =
          Array.isArray(h.weights) &&
          h.weights.length === rows &&
          h.weights.every(function (r) {
            return Array.isArray(r) && r.length === cols;
          });
        if (!ok) {
          throw new Error(
            "explorer.json: view " + i + " head " + k + " is not " + rows + " x " + cols
          );
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

  Explorer.prototype.weights = function () {
    var view = this.data.views[this.view];
    return view.heads[Math.min(this.head, view.heads.length - 1)].weights;
  };

  Explorer.prototype.render = function () {
    var self = this;
    var t = this.t;
    var view = this.data.views[this.view];
    var uid = "atlas-x" + Math.random().toString(36).slice(2, 8);
    this.root.textContent = "";
    this.root.classList.add("atlas-explorer--ready");
    var cross = rowsOf(view) !== view.tokens;
    this.root.classList.toggle("atlas-explorer--cross", cross);

    var controls = el("div", { class: "atlas-explorer__controls" });
    if (this.data.views.length > 1) {
      var names = this.data.views.map(function (x, i) {
        return named(x.name, String(i + 1));
      });
      controls.appendChild(
        selector(t.view, names, this.view, function (i) {
          self.view = i;
          self.head = 0;
          self.query = 0;
          self.render();
          self.focusQuery(0);
        })
      );
    }
    if (view.heads.length > 1) {
      var heads = view.heads.map(function (h, i) {
        return named(h.label, String(i + 1));
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

    var qLabel = el("p", { class: "atlas-explorer__label", id: uid + "-q" }, t.queries);
    this.root.appendChild(qLabel);
    var qRow = el("div", {
      class: "atlas-explorer__queries",
      role: "group",
      "aria-labelledby": uid + "-q",
    });
    this.buttons = rowsOf(view).map(function (tok, i) {
      var b = el("button", {
        type: "button",
        class: "atlas-query",
        "data-index": String(i),
        tabindex: i === 0 ? "0" : "-1",
      });
      b.textContent = String(tok);
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
      qRow.appendChild(b);
      return b;
    });
    this.root.appendChild(qRow);

    this.keyLabel = el("p", { class: "atlas-explorer__label", id: uid + "-k" }, "");
    this.root.appendChild(this.keyLabel);
    var kRow = el("ul", { class: "atlas-explorer__tokens", "aria-labelledby": uid + "-k" });
    this.cells = view.tokens.map(function (tok) {
      var li = el("li", { class: "atlas-token" });
      li.appendChild(el("span", { class: "atlas-token__text" }, String(tok)));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", { class: "atlas-token__weight" }, ""));
      kRow.appendChild(li);
      return li;
    });
    this.root.appendChild(kRow);

    var legend = el("div", { class: "atlas-explorer__legend" });
    legend.appendChild(el("span", { class: "atlas-explorer__legend-label" }, t.legend));
    var scale = el("span", { class: "atlas-explorer__scale" });
    scale.appendChild(el("span", {}, "0.00"));
    scale.appendChild(el("span", { class: "atlas-explorer__ramp", "aria-hidden": "true" }));
    scale.appendChild(el("span", {}, "1.00"));
    legend.appendChild(scale);
    this.root.appendChild(legend);

    this.status = el("p", { class: "atlas-explorer__status", "aria-live": "polite" });
    this.root.appendChild(this.status);
    this.show(Math.min(this.query, this.buttons.length - 1));
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
    this.focusQuery(next);
  };

  Explorer.prototype.focusQuery = function (i) {
    if (this.buttons[i]) this.buttons[i].focus();
  };

  Explorer.prototype.show = function (q) {
    var view = this.data.views[this.view];
    var row = this.weights()[q] || [];
    var tokens = view.tokens;
    var queries = rowsOf(view);
    var t = this.t;
    this.query = q;
    this.buttons.forEach(function (b, j) {
      var on = j === q;
      b.classList.toggle("atlas-query--on", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.setAttribute("tabindex", on ? "0" : "-1");
    });
    this.cells.forEach(function (c, j) {
      var w = Number(row[j] || 0);
      // A fixed 0..1 scale: equal tints mean equal weights, in every row and every view.
      c.style.setProperty("--atlas-w", String(Math.max(0, Math.min(1, w))));
      c.querySelector(".atlas-token__weight").textContent = fmt(w);
    });
    this.cells.forEach(inkFor);
    this.keyLabel.textContent = t.keys.replace("{q}", String(queries[q]));
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
    this.status.textContent = t.gives.replace("{q}", String(queries[q])) + order.join(", ");
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
  // changes along the way (and with the palette): pick black or white ink, whichever contrasts
  // more with the tint itself; the better of the two is always at least 4.58:1.
  function inkFor(cell) {
    var c = channels(getComputedStyle(cell).backgroundColor);
    var lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    var dark = (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05);
    cell.classList.toggle("atlas-token--ink-dark", dark);
    cell.classList.toggle("atlas-token--ink-light", !dark);
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
