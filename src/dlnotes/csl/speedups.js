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
}

module.exports = { install };
