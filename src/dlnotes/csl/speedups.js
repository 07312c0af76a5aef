// Speed-ups of citeproc-js (npm "citeproc") that change no output: memos of pure functions and
// lookups the processor repeats, an index, and calls skipped where the original would change
// nothing. Installed by runner.js on the loaded module; every one keeps the original function as
// the fallback for any case it does not cover. Measured with `dlnotes bench csl`; checked byte
// for byte against the unpatched processor on 1000 entries per shipped style (see README
// "References in the reader's style") and by tests/test_csl.py. Hand-written because
// citeproc-js has no option for these; each comment says why its speed-up is exact.
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

  // The name registry (for givenname disambiguation) is told every name of every item at every
  // rendering: addname looks the item up in the lists of items of the name's family, initials
  // and given name (Array indexOf: the lists of a prolific author hold hundreds of items, so
  // the bib's registration is quadratic), and adds it where it is missing. Once an item is
  // registered under a name's keys, a further call changes nothing while the registry's objects
  // for those keys and the item's index (nameind[item]) are the same objects: an item leaves
  // the lists only through delitems(item), which drops its index, and a registry object that
  // is dropped and made anew is another object. So a call whose keys were registered with the
  // same objects is skipped; the keys are made as the registry's set_keys makes them (after
  // the same getName, whose normalisation of the name is the same when done twice), only from
  // an item's second call for the same place in a name list on (the first has nothing to skip).
  const NameReg = CSL.Registry.NameReg;
  CSL.Registry.NameReg = function (state) {
    NameReg.call(this, state);
    const addname = this.addname;
    const done = new Map(); // item + keys -> the registry objects they were registered with
    const called = new Set(); // item + place in its list: names told once (a bibliography tells most once)
    this.addname = function (itemId, nameobj, pos) {
      const rule = state.citation.opt["givenname-disambiguation-rule"];
      if ((rule && rule.slice(0, 8) === "primary-" && pos !== 0) || !state.nameOutput) {
        return addname.call(this, itemId, nameobj, pos);
      }
      const slot = `${itemId}\u0000${pos}`;
      if (!called.has(slot) && called.size < MEMO_SIZE) {
        called.add(slot); // a first call has nothing to skip: the keys are made from the second on
        return addname.call(this, itemId, nameobj, pos);
      }
      const keys = nameKeys(CSL, state, itemId, state.nameOutput.getName(nameobj, "locale-translit", true).name);
      const key = `${itemId}\u0000${keys.pkey}::${keys.ikey}::${keys.skey}`;
      const seen = done.get(key);
      if (seen && seen.ind === this.nameind[itemId] && seen.objects.every((o, i) => o === registered(this, keys, i))) return undefined;
      const result = addname.call(this, itemId, nameobj, pos);
      if (keys.pkey && done.size < MEMO_SIZE) {
        done.set(key, { ind: this.nameind[itemId], objects: [0, 1, 2].map((i) => registered(this, keys, i)) });
      }
      return result;
    };
  };
  CSL.Registry.NameReg.prototype = NameReg.prototype;

  // Case changes in the item's languages (str.toLocaleLowerCase(state.tmp.lang_array)), asked
  // twice for every comparison of two sort keys and for every word of a title in title case:
  // a pure function of the text and the list of language tags, both in the key (the list's
  // length too, so that [] and [""] differ); anything but a string and an array of strings
  // takes the original.
  for (const name of ["toLocaleLowerCase", "toLocaleUpperCase"]) {
    const original = CSL[name];
    const memo = new Map();
    CSL[name] = function (str) {
      const langs = this && this.tmp ? this.tmp.lang_array : undefined;
      if (typeof str !== "string" || !Array.isArray(langs) || !langs.every((tag) => typeof tag === "string")) {
        return original.call(this, str);
      }
      const key = `${langs.length}\u0000${langs.join("\u0000")}\u0001${str}`;
      let found = memo.get(key);
      if (found === undefined) {
        found = original.call(this, str);
        if (memo.size < MEMO_SIZE) memo.set(key, found);
      }
      return found;
    };
  }

  // Sorting compares sort keys with String.prototype.localeCompare(other, locale, options),
  // which builds an Intl.Collator for every comparison (ECMA-402 defines it so: construct a
  // Collator from the locale and options, then compare). One Collator made with the same
  // locale and options compares exactly alike; the rest of citeproc-js' comparison (lower case
  // in the item's languages at comparison time, the bracket pre-sort) is kept as it is written
  // in CSL.getSortCompare. A locale Intl refuses, or an application's CSL.stringCompare, takes
  // the original.
  const getSortCompare = CSL.getSortCompare;
  CSL.getSortCompare = function (defaultLocale) {
    if (CSL.stringCompare) return getSortCompare.call(this, defaultLocale);
    const me = this;
    let collator;
    try {
      collator = new Intl.Collator(defaultLocale || "en-US", { sensitivity: "base", ignorePunctuation: true, numeric: true });
    } catch (err) {
      return getSortCompare.call(this, defaultLocale);
    }
    const strcmp = (a, b) => collator.compare(CSL.toLocaleLowerCase.call(me, a), CSL.toLocaleLowerCase.call(me, b));
    const stripPunct = (str) => str.replace(/^[\[\]\'\"]*/g, "");
    const bracketPreSort = !strcmp("[x", "x") ? false : (a, b) => strcmp(stripPunct(a), stripPunct(b));
    return function (a, b) {
      return bracketPreSort ? bracketPreSort(a, b) : strcmp(a, b);
    };
  };
}

// The registry's object for a name's family (level 0), initials (1) and given name (2).
function registered(reg, keys, level) {
  const family = reg.namereg[keys.pkey];
  if (level === 0 || !family || !keys.ikey) return level === 0 ? family : undefined;
  const initials = family.ikey[keys.ikey];
  if (level === 1 || !initials || !keys.skey) return level === 1 ? initials : undefined;
  return initials.skey[keys.skey];
}

// The keys citeproc-js' name registry files a name under (its set_keys, which is private to it).
function nameKeys(CSL, state, itemId, nameobj) {
  const stripPeriods = (str) => (str || "").replace(/\./g, " ").replace(/\s+/g, " ").replace(/\s+$/, "");
  let pkey = stripPeriods(nameobj.family);
  if (state.opt["demote-non-dropping-particle"] === "never" && nameobj["non-dropping-particle"] && nameobj["family"]) {
    pkey = `${pkey} ${nameobj["non-dropping-particle"]}`;
  }
  let skey = stripPeriods(nameobj.given);
  const m = skey.match(/[,\!]* ([^,]+)$/);
  if (m && m[1] === m[1].toLowerCase()) {
    skey = skey.replace(/[,\!]* [^,]+$/, "");
  }
  const ikey = CSL.Util.Names.initializeWith(state, skey, "%s");
  if (state.citation.opt["givenname-disambiguation-rule"] === "by-cite") {
    pkey = "" + itemId + pkey;
  }
  return { pkey, ikey, skey };
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
