/* Search worker for Japanese: wraps Material's own worker (its URL arrives as ?material=...).
 *
 * The index cuts Japanese text into terms with the `separator` in mkdocs.base.yml: every kanji is
 * a term, a run of katakana or of hiragana is a term. Two things are added around Material's
 * worker, which is loaded unchanged:
 * 1. A query's kanji are spaced out before Material sees it, so its experimental Chinese
 *    segmentation (which drops a run's last character when the index holds single kanji) is
 *    left with nothing to do, and 物体検出 becomes the four terms the index holds.
 * 2. Results are reordered: pages with a title (or section title) that is the query as typed
 *    (spaces ignored), then that contains it, then whose text contains it, come first, in Material's order within each band. Single kanji match
 *    widely; the whole phrase tells the page a reader meant.
 */
(function () {
  "use strict";

  var SETUP = 0;
  var QUERY = 2;
  var RESULT = 3;
  var KANJI = /[\u3400-\u9fff\uf900-\ufaff々〆]/g;

  var params = new URL(self.location.href).searchParams;
  var material = params.get("material");
  var listeners = [];
  var addListener = self.addEventListener.bind(self);
  var post = self.postMessage.bind(self);
  var lastQuery = "";

  // Letters, digits, kana and kanji only: "Multi-head attention" ~ "multi head attention".
  function squash(html) {
    return String(html || "")
      .replace(/<[^>]*>/g, "")
      .toLowerCase()
      .replace(/[^0-9a-z\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆]/g, "");
  }

  function band(group, phrase) {
    var best = 0;
    group.forEach(function (item) {
      var title = squash(item.title);
      if (title === phrase) best = 3;
      else if (title.indexOf(phrase) >= 0) best = Math.max(best, 2);
      else if (squash(item.text).indexOf(phrase) >= 0) best = Math.max(best, 1);
    });
    return best;
  }

  function rerank(data, query) {
    var phrase = squash(query);
    if (!phrase || !data || !Array.isArray(data.items)) return data;
    var ranked = data.items.map(function (group, i) {
      return { group: group, band: band(group, phrase), i: i };
    });
    ranked.sort(function (a, b) {
      return b.band - a.band || a.i - b.i;
    });
    data.items = ranked.map(function (r) {
      return r.group;
    });
    return data;
  }

  self.addEventListener = function (type, fn, options) {
    if (type === "message") listeners.push(fn);
    else addListener(type, fn, options);
  };
  self.postMessage = function (message) {
    if (message && message.type === RESULT) message.data = rerank(message.data, lastQuery);
    post(message);
  };

  if (!material || !/^[^:]*\.js$/.test(material.split("?")[0]) || /^[a-z]+:/i.test(material)) {
    throw new Error("search-worker.js: ?material= must name Material's worker script");
  }
  importScripts(material);

  addListener("message", function (ev) {
    var message = ev.data;
    if (message && message.type === QUERY && typeof message.data === "string") {
      lastQuery = message.data;
      message = {
        type: QUERY,
        data: message.data.replace(KANJI, " $& ").replace(/\s+/g, " ").trim(),
      };
    } else if (message && message.type === SETUP) {
      lastQuery = "";
    }
    var wrapped = { data: message };
    listeners.forEach(function (fn) {
      fn(wrapped);
    });
  });
})();
