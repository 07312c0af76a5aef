// MathJax, served by this site (assets/mathjax/, copied from the npm package at build time).
// Loaded only on pages that have math, and re-run after each instant-navigation page change.
(function () {
  var mathjaxSrc = new URL("../mathjax/tex-mml-chtml.js", document.currentScript.src).href;

  window.MathJax = {
    tex: {
      inlineMath: [["\\(", "\\)"]],
      displayMath: [["\\[", "\\]"]],
      processEscapes: true,
      processEnvironments: true
    },
    options: {
      // arithmatex wraps every formula in .arithmatex; leave the rest of the page alone.
      ignoreHtmlClass: ".*|",
      processHtmlClass: "arithmatex"
    },
    startup: { typeset: false }
  };

  var loading = null;
  function loadMathJax() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = mathjaxSrc;
        script.async = true;
        script.onload = function () { window.MathJax.startup.promise.then(resolve, reject); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function typeset() {
    var root = document.documentElement;
    if (!document.querySelector(".arithmatex")) {
      root.setAttribute("data-math", "none");
      return;
    }
    root.setAttribute("data-math", "pending");
    loadMathJax().then(function () {
      var MJ = window.MathJax;
      MJ.startup.output.clearCache();
      MJ.typesetClear();
      MJ.texReset();
      return MJ.typesetPromise();
    }).then(function () {
      root.setAttribute("data-math", "done");
    }, function (error) {
      root.setAttribute("data-math", "error");
      console.error("MathJax failed:", error);
    });
  }

  if (window.document$) {
    window.document$.subscribe(typeset);  // Material: every page, also after instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", typeset);
  }
})();
