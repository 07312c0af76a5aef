// citeproc-js (Zotero's CSL processor, npm "citeproc") behind a line protocol for dlnotes.csl.
//
// One JSON request per line on stdin, one JSON answer per line on stdout. The Python side keeps
// this process for a whole build, so node and citeproc-js start once.
//   {"op": "style", "id": S, "xml": "...", "lang": "zh-CN"}          -> {"ok": true}
//   {"op": "items", "items": [CSL-JSON, ...]}                          -> {"ok": true}
//   {"op": "locale", "lang": "zh-CN", "xml": "..."}                    -> {"ok": true}
//      (a locale not sent is read, when citeproc-js asks for it, from DLNOTES_CSL_LOCALES, the
//      folder of locales-LANG.xml files: nothing large goes through the pipe before node reads it)
//   {"op": "page", "style": S, "citations": [[item, ...], ...], "intext": [{id, ...}], "parts": bool}
//      -> {"citations": [html, ...], "bibliography": [[id, html], ...], "intext": [html, ...],
//          "parts": [[[id, html], ...], ...] (with "parts": each item's text in each citation)}
//   {"op": "bibliography", "style": S, "ids": [...]}                    -> {"bibliography": [[id, html], ...]}
//      with "timing": true also {"cpu_ms": {"update": ms, "make": ms}} (updateItems, makeBibliography);
//      "style" with "timing": true also {"cpu_ms": {"style": ms}} (the engine's construction)
//   {"op": "info"}                                   -> {"code_cache": "used" | "made" | ...}
"use strict";
const path = require("path");
const readline = require("readline");

const fs = require("fs");

// citeproc-js is loaded when the first engine is made, after this script has set up its reading
// of stdin: the requests Python sends while node starts are read as they come.
// With DLNOTES_CSL_CODE_CACHE (a folder), it is loaded with a V8 code cache (codecache.js).
let CSL = null;
let codeCache = "off";
function citeproc() {
  if (!CSL) {
    const request = process.env.DLNOTES_CITEPROC || path.join(process.cwd(), "node_modules", "citeproc");
    ({ exports: CSL, state: codeCache } = require("./codecache.js").load(request, process.env.DLNOTES_CSL_CODE_CACHE));
    if (process.env.DLNOTES_CSL_SPEEDUPS !== "0") require("./speedups.js").install(CSL); // "0": the benchmark's baseline
  }
  return CSL;
}

const items = new Map();
const locales = new Map();
const engines = new Map();

// The shipped locales by language tag, each read on first use (only names listed in the folder).
const localeFiles = new Map();
if (process.env.DLNOTES_CSL_LOCALES) {
  for (const name of fs.readdirSync(process.env.DLNOTES_CSL_LOCALES)) {
    const m = /^locales-([A-Za-z0-9-]+)\.xml$/.exec(name);
    if (m) localeFiles.set(m[1], path.join(process.env.DLNOTES_CSL_LOCALES, name));
  }
}

function locale(lang) {
  if (!locales.has(lang) && localeFiles.has(lang)) locales.set(lang, fs.readFileSync(localeFiles.get(lang), "utf8"));
  return locales.get(lang);
}

const sys = {
  retrieveLocale: (lang) => locale(lang) || locale(lang.split("-")[0]) || null,
  retrieveItem: (id) => items.get(id),
  // Used only while citationParts() switches the citation wrapper on: an item's text, marked.
  wrapCitationEntry: (html, id) => `\u0001${id}\u0002${html}\u0003`,
};

function engine(styleId) {
  const e = engines.get(styleId);
  if (!e) throw new Error(`unknown style ${styleId}`);
  return e;
}

function bibliography(eng) {
  const result = eng.makeBibliography();
  if (!result) return [];
  const [params, entries] = result;
  return params.entry_ids.map((ids, i) => [ids[0], entries[i].trim()]);
}

function page(req) {
  const eng = engine(req.style);
  const clusters = req.citations.map((cites, i) => ({
    citationID: `c${i}`,
    citationItems: cites,
    properties: { noteIndex: 0 },
  }));
  const ids = [];
  for (const cites of req.citations) for (const c of cites) if (!ids.includes(c.id)) ids.push(c.id);
  eng.updateItems(ids);
  const out = eng.rebuildProcessorState(clusters, "html", []);
  const byId = new Map(out.map(([cid, , html]) => [cid, html]));
  const answer = {
    citations: clusters.map((c) => byId.get(c.citationID)),
    bibliography: req.bibliography === false ? [] : bibliography(eng),
  };
  // Author names as the style writes them in running text ("Bahdanau 等", "Bahdanau et al."):
  // the item cited alone with author-only, outside the page's numbering. A numeric style's
  // citation has no names, so its names come from a one-macro style in the same locale.
  const named = req.numeric ? authorEngine(req.style) : eng;
  if (req.numeric && req.intext && req.intext.length) named.updateItems(req.intext.map((i) => i.id));
  answer.intext = (req.intext || []).map((item) => named.makeCitationCluster([{ ...item, "author-only": !req.numeric }]));
  if (req.parts) answer.parts = citationParts(eng, clusters);
  return answer;
}

// Where each cited item is in a cluster's text ("(Smith, 2014; Doe, 2015)": "Smith, 2014" is
// smith's): the clusters rendered once more with citeproc-js' citation wrapper, which hands us
// each item's own text (it leaves the layout's affixes out, so this rendering is never shown;
// the Python side finds these parts in the text above). Per cluster: [[id, html], ...].
const PART = /\u0001([^\u0002]*)\u0002([^\u0003]*)\u0003/g;

function citationParts(eng, clusters) {
  const extensions = eng.opt.development_extensions;
  extensions.apply_citation_wrapper = true;
  try {
    const out = eng.rebuildProcessorState(clusters, "html", []);
    const byId = new Map(out.map(([cid, , html]) => [cid, html]));
    return clusters.map((c) => [...(byId.get(c.citationID) || "").matchAll(PART)].map((m) => [m[1], m[2]]));
  } finally {
    extensions.apply_citation_wrapper = false;
  }
}

const authorEngines = new Map();

function authorEngine(styleId) {
  let e = authorEngines.get(styleId);
  if (!e) {
    const lang = engine(styleId).opt["default-locale"][0] || "en-US";
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="${lang}">
  <info><title>Author in running text</title><id>dlnotes-author-in-text</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation et-al-min="3" et-al-use-first="1">
    <layout><names variable="author"><name form="short" and="text" delimiter=", "/>
      <substitute><names variable="editor"/><text variable="title" form="short" font-style="italic"/></substitute></names></layout>
  </citation>
</style>`;
    e = new (citeproc().Engine)(sys, xml);
    e.setOutputFormat("html");
    authorEngines.set(styleId, e);
  }
  return e;
}

const ms = (usage) => (usage.user + usage.system) / 1000;

function handle(req) {
  switch (req.op) {
    case "locale":
      locales.set(req.lang, req.xml);
      return { ok: true };
    case "items":
      for (const item of req.items) items.set(item.id, { ...item, system_id: item.id }); // the wrapper's item id
      return { ok: true };
    case "style": {
      const Engine = citeproc().Engine; // loading citeproc-js is node's start, not the engine's
      const start = process.cpuUsage();
      const eng = new Engine(sys, req.xml, req.lang || undefined, req.force_lang || undefined);
      eng.opt.development_extensions.wrap_url_and_doi = true; // URLs and DOIs as links
      eng.setOutputFormat("html");
      engines.set(req.id, eng);
      return req.timing ? { ok: true, cpu_ms: { style: ms(process.cpuUsage(start)) } } : { ok: true };
    }
    case "page":
      return page(req);
    case "bibliography": {
      const eng = engine(req.style);
      const start = process.cpuUsage();
      eng.updateItems(req.ids);
      const updated = process.cpuUsage(start);
      const answer = { bibliography: bibliography(eng) };
      if (req.timing) {
        const made = process.cpuUsage(start);
        answer.cpu_ms = { update: ms(updated), make: ms(made) - ms(updated) };
      }
      return answer;
    }
    case "reset": // items changed (a bib edit while serving): engines cache items, start them anew
      engines.clear();
      authorEngines.clear();
      return { ok: true };
    case "ping":
      return { ok: true };
    case "info": // how citeproc-js was loaded (tests): its code cache "off", "used", "made", "corrupt" or "rejected"
      citeproc();
      return { code_cache: codeCache };
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  let answer;
  try {
    answer = handle(JSON.parse(line));
  } catch (err) {
    answer = { error: String(err && err.stack ? err.stack : err) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
