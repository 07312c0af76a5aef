// Speed-ups of citeproc-js (npm "citeproc") that change no output: memos of pure lookups the
// processor repeats. Installed by runner.js on the loaded module; every one keeps the original
// function as the fallback. Measured with `dlnotes bench csl`; checked byte for byte against the
// unpatched processor on 1000 entries per shipped style (see README "References in the reader's
// style"). Hand-written because citeproc-js has no option for these; each memo is exact: it
// returns what the original returns for the same arguments on an unchanged style tree.
"use strict";

function install(CSL) {
  // A macro call looks its <macro name=…> up by walking the whole style tree, once per call
  // site (and again for every sort key and disambiguation form that inlines it): most of the
  // construction of a large style (APA, Chicago). One walk indexes the macros by name; the index
  // is rebuilt when the style's top level changes (citeproc-js adds modules' macros there).
  const getNodesByName = CSL.XmlJSON.prototype.getNodesByName;
  const macroIndex = new WeakMap();
  CSL.XmlJSON.prototype.getNodesByName = function (myjson, name, nameattrval, ret) {
    if (name !== "macro" || !nameattrval || ret || !myjson || myjson !== this.dataObj || !myjson.children) {
      return getNodesByName.call(this, myjson, name, nameattrval, ret);
    }
    let index = macroIndex.get(myjson);
    if (!index || index.size !== myjson.children.length) {
      const byName = new Map();
      for (const node of getNodesByName.call(this, myjson, "macro")) {
        const key = node.attrs && node.attrs.name;
        if (!byName.has(key)) byName.set(key, []);
        byName.get(key).push(node);
      }
      index = { size: myjson.children.length, byName };
      macroIndex.set(myjson, index);
    }
    const found = index.byName.get(nameattrval);
    return found ? found.slice() : [];
  };

  // Every text appended to the output goes through the flip-flopper's processTags, which builds
  // a RegExp from a long source, rewrites the text and splits it on the markup and quotes it
  // knows, and changes nothing when it finds none (most names, dates, numbers, plain titles).
  // What it can find is fixed when it is made: HTML tags (all contain "<"), straight quotes,
  // and the locale's four quote terms (taken into its patterns as they are, so only terms
  // without RegExp syntax are trusted here); "’" is rewritten to "'" first. A text (with the
  // space processTags puts before it) containing none of these is left as it is, without the
  // call; any other text, or a locale with unusual quote terms, takes the original.
  const FlipFlopper = CSL.Util.FlipFlopper;
  CSL.Util.FlipFlopper = function (state) {
    FlipFlopper.call(this, state);
    const shown = state.tmp.cite_renders_content; // getTerm notes that a term was rendered
    const terms = ["open-quote", "close-quote", "open-inner-quote", "close-inner-quote"].map((t) => state.getTerm(t));
    state.tmp.cite_renders_content = shown;
    if (terms.some((term) => term && /[\\^$.*+?()[\]{}|]/.test(term))) return;
    const needles = ["<", '"', "'", "\u2019", ...terms.filter((term) => term)];
    const processTags = this.processTags;
    this.processTags = function (blob) {
      if (typeof blob.blobs === "string") {
        const text = " " + blob.blobs;
        if (!needles.some((needle) => text.includes(needle))) return undefined;
      }
      return processTags.call(this, blob);
    };
  };
  CSL.Util.FlipFlopper.prototype = FlipFlopper.prototype;

  // HTML escaping of every piece of output text (five RegExp replacements each time, on the same
  // names, terms, punctuation and words again and again): a pure function of the text (its only
  // other input, CSL.SUPERSCRIPTS, is a constant table), so its result is kept per text.
  const html = CSL.Output.Formats.html;
  html.text_escape = memoText(html.text_escape);

  // A given name's initials ("Marco" -> "M."), made again for every name in every rendering
  // (citation, sort key, disambiguation, bibliography) and for the name registry. The result
  // depends on the name, the terminator, normalizeOnly, the style's initialize-with-hyphen and,
  // where an initial's case is lowered, the item's languages (state.tmp.lang_array): all of
  // them are in the key, per engine.
  const initializeWith = CSL.Util.Names.initializeWith;
  const initials = new WeakMap();
  CSL.Util.Names.initializeWith = function (state, name, terminator, normalizeOnly) {
    if (typeof name !== "string" || !state || !state.opt || !state.tmp) {
      return initializeWith.call(this, state, name, terminator, normalizeOnly);
    }
    let memo = initials.get(state);
    if (!memo) initials.set(state, (memo = new Map()));
    const langs = state.tmp.lang_array;
    const key = `${normalizeOnly ? 1 : 0}\u0000${terminator}\u0000${state.opt["initialize-with-hyphen"]}\u0000${langs ? langs.join(",") : langs}\u0000${name}`;
    let found = memo.get(key);
    if (found === undefined) {
      found = initializeWith.call(this, state, name, terminator, normalizeOnly);
      if (memo.size < MEMO_SIZE) memo.set(key, found);
    }
    return found;
  };
}

// A memo keeps at most this many results (more distinct texts than a bib of many thousand
// entries has): past it, the function is called as it is.
const MEMO_SIZE = 200000;

// `fn` (a pure function of one string) with its results kept per string.
function memoText(fn) {
  const memo = new Map();
  return function (text) {
    if (typeof text !== "string") return fn.call(this, text);
    let found = memo.get(text);
    if (found === undefined) {
      found = fn.call(this, text);
      if (memo.size < MEMO_SIZE) memo.set(text, found);
    }
    return found;
  };
}

module.exports = { install };
