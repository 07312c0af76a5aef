// Material's search worker, run with a query that searches Chinese, English and both.
//
// The page starts this file instead of Material's worker (overrides/partials/search-worker.html
// passes the original's address as ?worker=); it loads the original, which does everything else:
// the lunr index, ranking, highlighting. Lives beside the original so that Material's relative
// "../lunr" (language files) still resolves. What changes:
//
// - The query. Material cuts Chinese by the longest index words it finds inside the query, but
//   never tries the query itself (学习 is searched as 学), and it does not split 双向RNN. Here
//   the query is split at separators and where the script changes; each Chinese run is cut into
//   the index's own words, longest first (the index holds jieba's words and their sub-words, see
//   src/dlnotes/searchindex.py, so these are jieba's words as they occur on the site); each English
//   word is searched as a prefix, its stem (lunr's Porter stemmer: glimpses -> glimps) as a
//   prefix, and, from five letters on, with one typo allowed (atention -> attention).
//   The resulting lunr query replaces the one Material built, for parsing and search alike.
//   A query written in lunr's own syntax (+ - ~ ^ : * or quotes) is left to Material.
// - The results. The zero-width spaces the index uses between Chinese words are removed from
//   titles and snippets, and a result's "missing terms" are named by the reader's words, not by
//   the variants searched for them.
(function () {
  "use strict";

  var SETUP = 0, QUERY = 2, RESULT = 3;
  var HAN = /\p{Script=Han}/u;
  var RUNS = /\p{Script=Han}+|[^\p{Script=Han}]+/gu;
  var LUNR_SYNTAX = /["+\-~^:*]/;
  var MAX_WORD = 8;  // longest Chinese word tried when cutting a query

  var source = new URL(new URL(self.location.href).searchParams.get("worker") || "", self.location.href);
  if (source.origin !== self.location.origin) throw new Error("search worker: " + source.href + " is not on this site");

  var separator = /[\s\u200b]+/g;
  var index = null;         // the lunr index Material builds
  var vocabulary = null;    // the index's Chinese words
  var pending = null;       // the lunr query for the message being handled
  var words = null;         // clause term -> the reader's word, for that message

  function chineseWords() {
    if (vocabulary === null) {
      vocabulary = new Set();
      for (var term in index.invertedIndex) if (HAN.test(term)) vocabulary.add(term);
    }
    return vocabulary;
  }

  // A run of Chinese cut into the index's words, longest first; characters no word starts with
  // are kept as they are (searched as a prefix they find the words that begin with them).
  function cutChinese(run) {
    var known = chineseWords(), pieces = [], i = 0;
    while (i < run.length) {
      var j = Math.min(run.length, i + MAX_WORD);
      while (j > i + 1 && !known.has(run.slice(i, j))) j--;
      pieces.push(run.slice(i, j));
      i = j;
    }
    return pieces.length > 1 ? pieces.filter(function (p) { return p.length > 1 || known.has(p); }) : pieces;
  }

  function stem(word) {
    return self.lunr.stemmer(new self.lunr.Token(word)).toString();
  }

  // The reader's query as a lunr query string, and which reader's word each clause term stands for.
  function rewrite(query) {
    var clauses = [], from = {};
    function add(clause, term, word) { clauses.push(clause); from[term] = word; }
    query.toLowerCase().split(separator).forEach(function (part) {
      (part.match(RUNS) || []).forEach(function (run) {
        if (HAN.test(run)) {
          cutChinese(run).forEach(function (piece) { add(piece + "*", piece, run); });
          return;
        }
        add(run + "*", run, run);
        var stemmed = stem(run);
        if (stemmed && stemmed !== run) add(stemmed + "*", stemmed, run);
        if (/^[a-z]{5,}$/.test(run)) add(run + "~1", run, run);
      });
    });
    return clauses.length ? { query: clauses.join(" "), from: from } : null;
  }

  function clean(text) {
    return typeof text === "string" ? text.replace(/\u200b/g, "") : text;
  }

  function cleanResult(data) {
    (data.items || []).forEach(function (group) {
      group.forEach(function (item) {
        item.title = clean(item.title);
        item.text = clean(item.text);
        if (Array.isArray(item.tags)) item.tags = item.tags.map(clean);
        delete item.paper;
        if (words && item.terms) {
          var terms = {};
          for (var term in item.terms) {
            var word = words[term] || term;
            terms[word] = terms[word] || item.terms[term];
          }
          item.terms = terms;
        }
      });
    });
    return data;
  }

  // Material's worker registers one message listener and answers with postMessage: wrap both.
  var listen = self.addEventListener.bind(self);
  self.addEventListener = function (type, handler, options) {
    if (type !== "message") return listen(type, handler, options);
    listen("message", function (event) {
      var message = event.data;
      if (message && message.type === SETUP) {
        try {
          separator = new RegExp(message.data.config.separator, "gu");
        } catch (error) {  // valid for Material (no "u" flag) but not in Unicode mode
          separator = new RegExp(message.data.config.separator, "g");
        }
        vocabulary = null;
      } else if (message && message.type === QUERY && typeof message.data === "string"
                 && index !== null && !LUNR_SYNTAX.test(message.data)) {
        var rewritten = rewrite(message.data);
        pending = rewritten && rewritten.query;
        words = rewritten && rewritten.from;
      }
      try {
        return handler.call(self, event);  // a query is answered synchronously, before this returns
      } finally {
        pending = null;
      }
    }, options);
  };
  var post = self.postMessage.bind(self);
  self.postMessage = function (message, transfer) {
    if (message && message.type === RESULT && message.data) cleanResult(message.data);
    words = null;
    return transfer === undefined ? post(message) : post(message, transfer);
  };

  importScripts(source.href);

  // Material parses its query with lunr.QueryParser, both to search and to analyse the terms:
  // while a message is handled, both get ours.
  var lunr = self.lunr;
  var Parser = lunr.QueryParser;
  var OurParser = function (text, query) { return new Parser(pending !== null ? pending : text, query); };
  Object.assign(OurParser, Parser);
  OurParser.prototype = Parser.prototype;
  lunr.QueryParser = OurParser;

  var build = lunr.Builder.prototype.build;
  lunr.Builder.prototype.build = function () {
    index = build.call(this);
    vocabulary = null;
    return index;
  };
})();
