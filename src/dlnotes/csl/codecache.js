// citeproc-js loaded with a V8 code cache: its ~25,000 lines compiled once, kept on disk, read
// back by every later process (as Python keeps .pyc files); node's own `module.enableCompileCache`
// keeps only the functions compiled when the file is loaded, a third of them. It changes no
// output: the cache holds V8's bytecode of the same source.
//
// The cache is written when the process ends, after it has formatted, so it holds the
// functions compiled on first call too; a later process that compiles more writes it anew.
//
// Safe when missing, stale or corrupt: the file's name is a digest of the source, node's
// version, platform and V8 flags (V8 refuses a cache of another version or flags itself, but
// checks only the source's length), and the file holds a SHA-256 of its data, checked before V8
// sees it (V8 does not check its data: a few flipped bytes made citeproc-js overflow its stack).
// Anything else (no such file, a digest that differs, V8 refusing it) compiles the source as
// require would, and writes a new cache at exit (to a temporary file renamed into place:
// concurrent processes never see half a file). A folder that cannot be written leaves things
// as they are, without a cache. Measured in `dlnotes bench csl`: node's start and the engine's
// construction take about 0.03 s less CPU with it (README "References in the reader's style").
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

const sha256 = (data) => crypto.createHash("sha256").update(data).digest();

// state: "off" (no folder given), "used", "made" (none usable: written at exit), "corrupt"
// (its digest differs: written anew at exit), "rejected" (V8 refused it: written anew at exit).
function load(request, folder) {
  const file = require.resolve(request);
  if (!folder) return { exports: require(file), state: "off" };
  const source = fs.readFileSync(file, "utf8");
  const key = sha256([source, process.version, process.arch, process.platform, process.execArgv.join(" ")].join("\0"));
  const cacheFile = path.join(folder, `${path.basename(file, ".js")}-${key.toString("hex").slice(0, 24)}.v8cache`);
  let cachedData;
  let state = "made";
  try {
    const stored = fs.readFileSync(cacheFile);
    const data = stored.subarray(32);
    if (stored.length > 32 && sha256(data).equals(stored.subarray(0, 32))) cachedData = data;
    else state = "corrupt";
  } catch (err) {
    // no cache yet (or unreadable): made at exit
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData) state = script.cachedDataRejected ? "rejected" : "used";
  const module = { exports: {}, id: file, filename: file, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  // At exit the cache holds what this process compiled: written when there was none usable, or
  // when this process compiled more than it holds (a first process that formatted one page has
  // left out most of what a whole bibliography compiles). Making it takes ~5 ms.
  const stored = cachedData && state === "used" ? cachedData.length : 0;
  process.on("exit", () => save(script, cacheFile, stored));
  return { exports: module.exports, state };
}

function save(script, cacheFile, stored) {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    if (stored && data.length <= stored * 1.05) return;
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(temporary, Buffer.concat([sha256(data), data]));
    fs.renameSync(temporary, cacheFile);
    const stem = path.basename(cacheFile).replace(/-[0-9a-f]+\.v8cache$/, "-");
    for (const name of fs.readdirSync(path.dirname(cacheFile))) {
      // caches of an earlier source or node: never read again
      if (name.startsWith(stem) && name.endsWith(".v8cache") && name !== path.basename(cacheFile)) {
        fs.unlinkSync(path.join(path.dirname(cacheFile), name));
      }
    }
  } catch (err) {
    try {
      fs.unlinkSync(temporary);
    } catch (ignored) {
      // nothing was written
    }
  }
}

module.exports = { load };
