// Typesets TeX with MathJax (mathjax-full 3.2.2) for dlnotes.mathtex: one process per build,
// JSON lines on stdin/stdout. A request {"items": [{"tex", "display", "preamble"}]} gets
// {"results": [{"html", "defs"} | {"error"}]} in the same order.
//
// Output is SVG with a page-wide font cache: each formula's <svg> refers to glyph paths with
// <use>, and "defs" maps each glyph id to its <path> (the page carries every glyph once). The
// assistive MathML MathJax adds beside each <svg> is what screen readers read.
// "preamble" is the TeX of the page's earlier formulas that define macros (\newcommand ...):
// typeset first, so later formulas can use them, in a fresh TeX state per page.
"use strict";

const readline = require("readline");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { SVG } = require("mathjax-full/js/output/svg.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");

// Without noundefined/noerrors an undefined macro or a missing brace is an error we report,
// not red text on the page; autoload/require load nothing in node (every package is here).
const PACKAGES = AllPackages.filter((p) => !["noundefined", "noerrors", "autoload", "require"].includes(p));

// Commands notes take from KaTeX or LaTeX that MathJax 3 lacks.
const MACROS = { textcircled: ["\\enclose{circle}{\\kern.1em{#1}\\kern.1em}", 1] };

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

let svg = null;
let doc = null;
let preamble = null;

function fresh(newPreamble) {
  const tex = new TeX({ packages: PACKAGES, macros: MACROS, formatError: (jax, err) => { throw err; } });
  svg = new SVG({ fontCache: "global" });
  doc = mathjax.document("", { InputJax: tex, OutputJax: svg });
  preamble = newPreamble;
  if (newPreamble) {
    for (const part of newPreamble.split("\u0000")) {
      try { doc.convert(part, { display: true }); } catch (e) { /* reported with its own formula */ }
    }
  }
}

function typeset(item) {
  if (doc === null || (item.preamble || "") !== preamble) fresh(item.preamble || "");
  svg.fontCache.clearCache();
  try {
    const node = doc.convert(item.tex, { display: !!item.display, em: 16, ex: 8, containerWidth: 1280 });
    const defs = {};
    for (const path of adaptor.childNodes(svg.fontCache.getCache())) {
      defs[adaptor.getAttribute(path, "id")] = adaptor.outerHTML(path);
    }
    // data-mml-node only serves MathJax's explorer in a browser, which pages do not load
    // (the site's CSS for table lines does without it).
    const html = adaptor.outerHTML(node).replace(/ data-mml-node="[^"]*"/g, "");
    return { html, defs };
  } catch (err) {
    // A TeX error leaves MathJax's state as it was: later formulas are unaffected.
    return { error: (err && err.message) || String(err) };
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    reply = { results: request.items.map(typeset) };
  } catch (err) {
    reply = { fatal: String((err && err.stack) || err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
