/* Language switch that keeps the reader on the same page.
 * Both languages have the same page paths; Japanese is the site root and English lives in
 * en/. An alternate link in the header that points at its language's root gets the page's
 * path below the current root (from Material's __config.base) appended; a link the template
 * already pointed at the same page is left as it is. Material's own
 * sitemap-based switch cannot tell the two trees apart when one is nested in the other, so
 * clicks on these links are kept away from it (capture phase) and follow the rewritten href.
 */
(function () {
  "use strict";

  function currentBase() {
    var node = document.getElementById("__config");
    var base = ".";
    if (node) {
      try {
        base = JSON.parse(node.textContent).base || ".";
      } catch (err) {
        base = ".";
      }
    }
    var url = new URL(base, window.location.href);
    if (!/\/$/.test(url.pathname)) url.pathname += "/";
    return url;
  }

  function rewrite() {
    var base = currentBase();
    var path = window.location.pathname;
    if (path.indexOf(base.pathname) !== 0) return;
    // A "not found" page stands at an address that exists in no language: keep its links to
    // each language's home.
    if (document.querySelector("meta[name='robots'][content~='noindex']")) return;
    var rel = path.slice(base.pathname.length);
    var links = document.querySelectorAll("a.md-select__link[hreflang]");
    Array.prototype.forEach.call(links, function (a) {
      var root = a.getAttribute("data-atlas-root");
      if (!root) {
        var given = new URL(a.getAttribute("href"), window.location.href);
        // A link the template already pointed at this page needs nothing.
        if (rel === "" || given.pathname.slice(-rel.length - 1) === "/" + rel) return;
        root = given.toString();
        a.setAttribute("data-atlas-root", root);
      }
      var target = new URL(root);
      if (!/\/$/.test(target.pathname)) target.pathname += "/";
      a.href = new URL(rel, target).toString();
      if (a.getAttribute("hreflang") === document.documentElement.getAttribute("lang")) {
        a.setAttribute("aria-current", "true");
      }
    });
  }

  window.addEventListener(
    "click",
    function (ev) {
      var a = ev.target instanceof Element ? ev.target.closest("a.md-select__link[hreflang]") : null;
      if (!a) return;
      // Our own anchors (#demo-..., #topic-..., #q-...) are the same in both languages: keep
      // the reader at the same place, not only on the same page.
      if (window.location.hash) {
        var target = new URL(a.href);
        target.hash = window.location.hash;
        a.href = target.toString();
      }
      ev.stopPropagation();
    },
    true
  );

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(rewrite);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", rewrite);
  } else {
    rewrite();
  }
})();
