/* Catalogue filters: builds one <select> per facet from the data-* attributes of the
 * .atlas-item elements inside .atlas-catalogue, hides the items that do not match and keeps
 * a count "N of M shown". Labels come from <script type="application/json"
 * id="atlas-filter-labels"> when the page has it; raw values are used otherwise.
 * The choice is mirrored in the query string (?type=video&lang=ja) so a filtered view can be linked.
 */
(function () {
  "use strict";

  var DEFAULT_FACETS = ["type", "lang", "level", "topics", "state"];
  var MULTI = { topics: true };
  var FALLBACK = {
    ja: { all: "すべて", shown: "{n} / {m} 件を表示", reset: "条件をクリア" },
    en: { all: "All", shown: "{n} of {m} shown", reset: "Clear filters" },
  };

  function pageLang() {
    return (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
  }

  function pick(value) {
    // Labels may be given per page language already, or as {ja, en} objects.
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return value[pageLang()] || value.en || value.ja || "";
    }
    return value;
  }

  function readLabels() {
    var node = document.getElementById("atlas-filter-labels");
    if (!node) return {};
    try {
      return JSON.parse(node.textContent) || {};
    } catch (err) {
      if (window.console) console.warn("atlas-filter-labels is not valid JSON:", err.message);
      return {};
    }
  }

  function valuesOf(item, key) {
    var raw = item.getAttribute("data-" + key) || "";
    return MULTI[key] ? raw.split(/\s+/).filter(Boolean) : raw ? [raw] : [];
  }

  function facetList(labels) {
    if (Array.isArray(labels.facets)) {
      return labels.facets.map(function (f) {
        return { key: f.key, label: pick(f.label) || f.key, values: f.values || {} };
      });
    }
    return DEFAULT_FACETS.map(function (k) {
      return { key: k, label: k, values: {} };
    });
  }

  function Filters(root, labels) {
    var self = this;
    var fb = FALLBACK[pageLang()] || FALLBACK.en;
    this.root = root;
    this.items = Array.prototype.slice.call(root.querySelectorAll(".atlas-item"));
    this.allLabel = pick(labels.all) || fb.all;
    this.shownText = pick(labels.shown) || fb.shown;
    this.facets = facetList(labels).filter(function (f) {
      return self.items.some(function (it) {
        return valuesOf(it, f.key).length > 0;
      });
    });
    this.selects = {};
    this.build(pick(labels.reset) || fb.reset);
    this.restore();
    this.apply(false);
  }

  Filters.prototype.build = function (resetLabel) {
    var self = this;
    var bar = document.createElement("form");
    bar.className = "atlas-filters";
    bar.setAttribute("role", "search");
    bar.addEventListener("submit", function (ev) {
      ev.preventDefault();
    });
    this.facets.forEach(function (f) {
      var present = {};
      self.items.forEach(function (it) {
        valuesOf(it, f.key).forEach(function (v) {
          present[v] = true;
        });
      });
      var known = Object.keys(f.values).filter(function (v) {
        return present[v];
      });
      var extra = Object.keys(present)
        .filter(function (v) {
          return known.indexOf(v) < 0;
        })
        .sort();
      var label = document.createElement("label");
      label.className = "atlas-filters__facet";
      var span = document.createElement("span");
      span.textContent = f.label;
      var select = document.createElement("select");
      select.name = f.key;
      select.setAttribute("data-facet", f.key);
      select.appendChild(new Option(self.allLabel, ""));
      known.concat(extra).forEach(function (v) {
        select.appendChild(new Option(pick(f.values[v]) || v, v));
      });
      select.addEventListener("change", function () {
        self.apply(true);
      });
      label.appendChild(span);
      label.appendChild(select);
      bar.appendChild(label);
      self.selects[f.key] = select;
    });
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "atlas-filters__reset md-button";
    reset.textContent = resetLabel;
    reset.addEventListener("click", function () {
      Object.keys(self.selects).forEach(function (k) {
        self.selects[k].value = "";
      });
      self.apply(true);
    });
    bar.appendChild(reset);
    this.count = document.createElement("p");
    this.count.className = "atlas-filters__count";
    this.count.setAttribute("aria-live", "polite");
    this.count.setAttribute("role", "status");
    this.root.parentNode.insertBefore(bar, this.root);
    this.root.parentNode.insertBefore(this.count, this.root);
  };

  Filters.prototype.restore = function () {
    var params = new URLSearchParams(window.location.search);
    var selects = this.selects;
    Object.keys(selects).forEach(function (k) {
      var v = params.get(k);
      if (v && Array.prototype.some.call(selects[k].options, function (o) {
        return o.value === v;
      })) {
        selects[k].value = v;
      }
    });
  };

  Filters.prototype.apply = function (remember) {
    var selects = this.selects;
    var chosen = {};
    Object.keys(selects).forEach(function (k) {
      if (selects[k].value) chosen[k] = selects[k].value;
    });
    var shown = 0;
    this.items.forEach(function (it) {
      var ok = Object.keys(chosen).every(function (k) {
        return valuesOf(it, k).indexOf(chosen[k]) >= 0;
      });
      it.hidden = !ok;
      if (ok) shown += 1;
    });
    this.root.setAttribute("data-shown", String(shown));
    this.count.textContent = this.shownText
      .replace("{n}", String(shown))
      .replace("{m}", String(this.items.length));
    if (remember && window.history && window.history.replaceState) {
      var params = new URLSearchParams(window.location.search);
      Object.keys(selects).forEach(function (k) {
        if (chosen[k]) params.set(k, chosen[k]);
        else params.delete(k);
      });
      var q = params.toString();
      window.history.replaceState(
        window.history.state,
        "",
        window.location.pathname + (q ? "?" + q : "") + window.location.hash
      );
    }
  };

  function init() {
    var labels = readLabels();
    var roots = document.querySelectorAll(".atlas-catalogue");
    Array.prototype.forEach.call(roots, function (root) {
      if (root.getAttribute("data-atlas-init")) return;
      root.setAttribute("data-atlas-init", "1");
      root.atlasFilters = new Filters(root, labels);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
