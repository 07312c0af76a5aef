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
//   prefix, and, from five letters on, as the index's words one typo away (atention -> attention).
//   The resulting lunr query replaces the one Material built, for parsing and search alike.
//   A query written in lunr's own syntax (+ - ~ ^ : * or quotes) is left to Material.
// - The results. The zero-width spaces the index uses between Chinese words are removed from
//   titles and snippets, and a result's "missing terms" are named by the reader's words, not by
//   the variants searched for them.
(function () {
  "use strict";

  var SETUP = 0, QUERY = 2, RESULT = 3;
  // Han characters: the same as src/dlnotes/searchindex.py HAN_CHARACTERS (where a run starts and ends)
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;
  var RUNS = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]+/gu;
  var LUNR_SYNTAX = /["+\-~^:*]/;
  var MAX_WORD = 8;  // longest Chinese word tried when cutting a query
  var MAX_RESULTS = 100;  // sections Material gets to highlight and send (ten pages of results)

  var source = new URL(new URL(self.location.href).searchParams.get("worker") || "", self.location.href);
  if (source.origin !== self.location.origin) throw new Error("search worker: " + source.href + " is not on this site");

  // The folder of the search index (overrides/partials/search-worker.html passes it as ?index=)
  var indexFolder = new URL(new URL(self.location.href).searchParams.get("index") || "../../../search/", self.location.href);
  if (indexFolder.origin !== self.location.origin) throw new Error("search worker: " + indexFolder.href + " is not on this site");

  var separator = /[\s\u200b]+/g;
  var index = null;         // the lunr index Material builds
  var vocabulary = null;    // the index's Chinese words
  var latin = null;         // the index's words in Latin letters, by length
  var listings = new Set(); // sections of generated lists
  var pending = null;       // the lunr query for the message being handled
  var words = null;         // clause term -> the reader's word, for that message
  var readerWords = null;   // per reader's word: the prefixes and the fuzzy term searched for it
  var overflow = null;      // pages of the results after the first MAX_RESULTS, for that message
  var titles = new Map();   // page location -> its title
  var pageOf = new Map();   // section location -> its page's location
  var cutWords = null;      // the index's Chinese words (its "words"), cutting its text
  var cutSizes = null;      // character -> lengths of those words that start with it, longest first

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

  // The index's words one typo away from `word` (lunr's own fuzzy search misses some insertions:
  // "atention" does not find "attention"), at most 10. The words are kept by length, and only
  // those one letter shorter, as long or one longer are compared: a third of the vocabulary.
  function near(word) {
    if (latin === null) {
      latin = new Map();
      for (var term in index.invertedIndex) if (/^[a-z]{4,}$/.test(term)) {
        var bucket = latin.get(term.length);
        if (bucket === undefined) latin.set(term.length, bucket = []);
        bucket.push(term);
      }
    }
    var found = [];
    for (var n = word.length - 1; n <= word.length + 1; n++) {
      var candidates = latin.get(n) || [];
      for (var i = 0; i < candidates.length && found.length < 10; i++)
        if (candidates[i] !== word && withinOneEdit(candidates[i], word)) found.push(candidates[i]);
    }
    return found;
  }

  // A run of Chinese in the index's text cut into words as the build expects (the same steps as
  // src/dlnotes/searchindex.py Cutter.cut): the fewest pieces, each one of the index's words or a
  // single character; of cuts with as many pieces, the one with the longer first piece. The build
  // writes the text without breaks between words wherever this finds them, and a zero-width
  // space (a separator) where it would not.
  function cut(run) {
    // by code point: a string where every character is one UTF-16 unit, else an array of them
    var chars = /[\ud800-\udfff]/.test(run) ? Array.from(run) : run;
    var text = typeof chars === "string"
      ? function (i, j) { return chars.slice(i, j); }
      : function (i, j) { return chars.slice(i, j).join(""); };
    var n = chars.length, best = new Array(n + 1), step = new Array(n + 1), single = [1];
    best[n] = 0;
    for (var i = n - 1; i >= 0; i--) {
      best[i] = n + 1;
      step[i] = 1;
      var sizes = cutSizes.get(chars[i]) || single;
      for (var k = 0; k < sizes.length; k++) {
        var size = sizes[k];
        if (size <= n - i && best[i + size] + 1 < best[i] && (size === 1 || cutWords.has(text(i, i + size)))) {
          best[i] = best[i + size] + 1;
          step[i] = size;
        }
      }
    }
    var pieces = [];
    for (var at = 0; at < n; at += step[at]) pieces.push(text(at, at + step[at]));
    return pieces;
  }

  // Material's tokenizer hands each piece of text between separators that a "segmenter" claims
  // (ctype_ H) to segmenter.segment, and indexes the parts at their offsets: here, the piece is
  // split where the script changes and its Chinese cut into words.
  function Segmenter() {}
  Segmenter.prototype.ctype_ = function (text) { return HAN.test(text) ? "H" : "O"; };
  Segmenter.prototype.segment = function (text) {
    var parts = [];
    (text.match(RUNS) || []).forEach(function (run) {
      if (HAN.test(run)) Array.prototype.push.apply(parts, cut(run));
      else parts.push(run);
    });
    return parts;
  };

  function useWords(words) {
    cutWords = new Set(words ? words.split(" ") : []);
    cutSizes = new Map();
    cutWords.forEach(function (word) {
      var chars = Array.from(word), sizes = cutSizes.get(chars[0]);
      if (sizes === undefined) cutSizes.set(chars[0], sizes = [1]);
      if (sizes.indexOf(chars.length) < 0) sizes.push(chars.length);
    });
    cutSizes.forEach(function (sizes) { sizes.sort(function (a, b) { return b - a; }); });
  }

  // The index's documents: search_index.json names the files that hold them (src/dlnotes/
  // searchindex.py DOCS_KEY), gzipped, and as plain JSON for a browser that cannot unpack gzip.
  // A server may send the gzipped file with "Content-Encoding: gzip": the browser has unpacked
  // it already (no gzip header left).
  function loadDocs(spec) {
    var packed = typeof DecompressionStream === "function" && typeof spec.gzip === "string";
    return fetch(new URL(packed ? spec.gzip : spec.json, indexFolder)).then(function (response) {
      if (!response.ok) throw new Error(response.url + ": HTTP " + response.status);
      if (!packed) return response.json();
      return response.arrayBuffer().then(function (buffer) {
        var bytes = new Uint8Array(buffer), body = new Blob([bytes]).stream();
        if (bytes.length > 1 && bytes[0] === 0x1f && bytes[1] === 0x8b) body = body.pipeThrough(new DecompressionStream("gzip"));
        return new Response(body).json();
      });
    });
  }

  function stem(word) {
    return self.lunr.stemmer(new self.lunr.Token(word)).toString();
  }

  // The reader's query as a lunr query string, and which reader's word each clause term stands for.
  function rewrite(query) {
    var clauses = [], from = {}, spec = {};
    // word: what the reader typed (named in "missing terms"); unit: what ranking counts as one
    // word (each Chinese word cut from a run counts on its own)
    function add(clause, term, word, unit) {
      clauses.push(clause);
      from[term] = word;
      unit = unit || word;
      var entry = spec[unit] || (spec[unit] = { prefixes: [], fuzzy: null });
      entry.prefixes.push(term);
    }
    query.toLowerCase().split(separator).forEach(function (part) {
      (part.match(RUNS) || []).forEach(function (run) {
        if (HAN.test(run)) {
          cutChinese(run).forEach(function (piece) { add(piece + "*", piece, run, piece); });
          return;
        }
        add(run + "*", run, run);
        var stemmed = stem(run);
        if (stemmed && stemmed !== run) add(stemmed + "*", stemmed, run);
        if (/^[a-z]{5,}$/.test(run)) {
          near(run).forEach(function (term) { add(term + "*", term, run); });
          spec[run].fuzzy = run;
        }
      });
    });
    // A term that another term searched is a prefix of finds nothing more (glimpses*, glimpse*
    // and glimps* find what glimps* finds), and each clause costs lunr a pass over its postings:
    // each is searched once.
    var terms = Object.keys(from);
    clauses = terms.filter(function (term) {
      return !terms.some(function (other) { return other !== term && term.startsWith(other); });
    }).map(function (term) { return term + "*"; });
    return clauses.length ? { query: clauses.join(" "), from: from, words: Object.values(spec) } : null;
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
        delete item.listing;
        delete item.parent;  // the section's page, text and all: the page does not read it
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
    if (overflow !== null && Array.isArray(data.items)) {  // the pages cut off, by title, in rank order
      var listed = new Set(data.items.map(function (group) { return pageOf.get(group[0].location) || group[0].location; }));
      overflow.forEach(function (page) {
        if (listed.has(page) || !titles.has(page)) return;
        listed.add(page);
        data.items.push([{ location: page, title: titles.get(page), text: "", score: 0, terms: {} }]);
      });
    }
    return data;
  }

  // Material's worker registers one message listener and answers with postMessage: wrap both.
  var listen = self.addEventListener.bind(self);
  self.addEventListener = function (type, handler, options) {
    if (type !== "message") return listen(type, handler, options);
    function handle(event) {
      var message = event.data;
      if (message && message.type === SETUP) {
        try {
          separator = new RegExp(message.data.config.separator, "gu");
        } catch (error) {  // valid for Material (no "u" flag) but not in Unicode mode
          separator = new RegExp(message.data.config.separator, "g");
        }
        vocabulary = latin = null;
        // Material uses lunr.TinySegmenter when it is there (for Japanese): ours, for an index
        // the build wrote without breaks between Chinese words (it lists them: config.words).
        if (typeof message.data.config.words === "string") {
          useWords(message.data.config.words);
          self.lunr.TinySegmenter = Segmenter;
        } else {
          delete self.lunr.TinySegmenter;
        }
        pageOf = new Map(message.data.docs.map(function (d) { return [d.location, d.location.split("#")[0]]; }));
        titles = new Map(message.data.docs.filter(function (d) { return d.location.indexOf("#") < 0; })
                                          .map(function (d) { return [d.location, clean(d.title)]; }));
        listings = new Set(message.data.docs.filter(function (d) { return d.listing; }).map(function (d) { return d.location; }));
      } else if (message && message.type === QUERY && typeof message.data === "string"
                 && index !== null && !LUNR_SYNTAX.test(message.data)) {
        overflow = null;
        var rewritten = rewrite(message.data);
        pending = rewritten && rewritten.query;
        words = rewritten && rewritten.from;
        readerWords = rewritten && rewritten.words;
      }
      try {
        return handler.call(self, event);  // searched synchronously, before this returns (posted after)
      } finally {
        pending = null;
        readerWords = null;
      }
    }
    listen("message", function (event) {
      var message = event.data;
      var spec = message && message.type === SETUP && message.data && message.data.config && message.data.config.docs;
      if (!spec) return handle(event);
      // The documents are in a file of their own (see loadDocs): Material sets up once they are
      // in. It sends no query before it is set up.
      delete message.data.config.docs;
      loadDocs(spec).then(function (docs) {
        message.data.docs = docs;
      }, function (error) {
        console.warn("search: the index could not be loaded", error);
      }).then(function () { handle(event); });
    }, options);
  };
  var post = self.postMessage.bind(self);
  self.postMessage = function (message, transfer) {
    if (message && message.type === RESULT && message.data) cleanResult(message.data);
    words = overflow = null;
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

  // Ranking: a section that has more of the reader's words comes first; with as many, a note or
  // hand-written page before a generated list (References, roadmap, tags...: "listing" in the
  // index, see src/dlnotes/searchindex.py); then lunr's score, scaled to 1..101. Material
  // multiplies a score by at most 5 afterwards: a factor of 1000 per step keeps the order.
  function withinOneEdit(a, b) {  // one insertion, deletion, substitution or swap of neighbours
    if (Math.abs(a.length - b.length) > 1) return false;
    if (a.length === b.length) {
      var diff = [];
      for (var k = 0; k < a.length && diff.length < 3; k++) if (a[k] !== b[k]) diff.push(k);
      if (diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]) return true;
    }
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++;
      else if (a.length < b.length) j++;
      else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }

  // How many of the reader's words a result's matched terms stand for. Per query, each term's
  // words are worked out once (a bit per word): results share their terms.
  function wordCounter() {
    var masks = new Map();
    function mask(term) {
      var bits = masks.get(term);
      if (bits !== undefined) return bits;
      bits = 0;
      readerWords.forEach(function (word, i) {  // a query of more than 30 words: the first 30 count
        if (i < 30 && (word.prefixes.some(function (p) { return term.startsWith(p); }) ||
            (word.fuzzy !== null && withinOneEdit(term, word.fuzzy)))) bits |= 1 << i;
      });
      masks.set(term, bits);
      return bits;
    }
    return function (metadata) {
      var bits = 0;
      for (var term in metadata) bits |= mask(term);
      var count = 0;
      for (; bits; bits &= bits - 1) count++;
      return count;
    };
  }

  var search = lunr.Index.prototype.search;
  lunr.Index.prototype.search = function (text) {
    var results = search.call(this, text);
    if (readerWords === null || !results.length) return results;
    var top = 0;
    for (var i = 0; i < results.length; i++) if (results[i].score > top) top = results[i].score;
    top = top || 1;
    var matchedWords = wordCounter();
    results.forEach(function (r) {
      var rank = 2 * matchedWords(r.matchData.metadata) + (listings.has(r.ref) ? 0 : 1);
      r.score = Math.pow(1000, rank) * (1 + 100 * r.score / top);
    });
    results.sort(function (a, b) { return b.score - a.score; });
    // Material highlights and copies every result, and the page receives them all, though it
    // shows ten at a time: at a thousand notes a common word costs half a second. Only the
    // first MAX_RESULTS sections go on; the pages of the others are listed by title (below).
    if (results.length > MAX_RESULTS) {
      overflow = results.slice(MAX_RESULTS).map(function (r) { return pageOf.get(r.ref) || r.ref; });
      results = results.slice(0, MAX_RESULTS);
    }
    return results;
  };

  // The index's word lists for cutting and typos are made with the index, not on the first
  // query that needs them.
  var build = lunr.Builder.prototype.build;
  lunr.Builder.prototype.build = function () {
    index = build.call(this);
    vocabulary = latin = null;
    chineseWords();
    near("");
    return index;
  };
})();
