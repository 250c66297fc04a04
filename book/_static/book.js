/* The book's own script (html_js_files in _config.yml).

   Search results with typeset formulas. Sphinx's search summary is a piece of the page's
   text taken before MathJax ran, so it shows TeX source: "\(p(x)\)". Wrap
   Search.makeSearchSummary (sphinx/themes/basic/static/searchtools.js, Sphinx 7.4): cut a
   formula that the 240-character window splits, and typeset each whole one with MathJax,
   which book_site.py loads on the search page. The TeX waits in a data attribute, so that
   the search's highlighting of the query words (which splits text nodes) cannot break it. */
(() => {
  "use strict";
  const FORMULA = /\\\(([\s\S]*?)\\\)|\\\[([\s\S]*?)\\\]|\$\$([\s\S]*?)\$\$/g;
  const OPENERS = /\\\(|\\\[|\$\$/g;

  // Drop the part of a formula that the summary's window cut at either end.
  const trimCutFormulas = (text) => {
    const firstOpen = text.search(OPENERS);
    const firstClose = text.search(/\\\)|\\\]/);
    if (firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen)) {
      text = "..." + text.slice(firstClose + 2);
    }
    let last = -1;
    let open = false;
    for (const m of text.matchAll(/\\\(|\\\)|\\\[|\\\]|\$\$/g)) {
      const token = m[0];
      if (token === "$$") open = !open;
      else open = token === "\\(" || token === "\\[";
      if (open) last = m.index;
    }
    if (open && last >= 0) text = text.slice(0, last).trimEnd() + "...";
    return text;
  };

  const typeset = (summary) => {
    const spans = Array.from(summary.querySelectorAll("span.book-search-math"));
    if (!spans.length || !window.MathJax || !MathJax.startup) return;
    MathJax.startup.promise.then(() => {
      for (const span of spans) span.textContent = "\\(" + span.dataset.tex + "\\)";
      return MathJax.typesetPromise(spans);
    }).catch((error) => console.warn("search summary: MathJax failed:", error));
  };

  const install = () => {
    // searchtools.js declares `const Search`: a global binding, but not a property of window.
    if (typeof Search === "undefined" || !Search.makeSearchSummary) return;
    if (Search.makeSearchSummary.book) return;
    const original = Search.makeSearchSummary;
    const wrapped = (htmlText, keywords, anchor) => {
      const summary = original(htmlText, keywords, anchor);
      if (!summary) return summary;
      const text = trimCutFormulas(summary.textContent);
      summary.textContent = "";
      let at = 0;
      for (const m of text.matchAll(FORMULA)) {
        summary.append(text.slice(at, m.index));
        const span = document.createElement("span");
        span.className = "book-search-math math";
        span.dataset.tex = (m[1] ?? m[2] ?? m[3]).trim();
        span.textContent = span.dataset.tex;  // until MathJax is ready
        summary.append(span);
        at = m.index + m[0].length;
      }
      summary.append(text.slice(at));
      typeset(summary);
      return summary;
    };
    wrapped.book = true;
    Search.makeSearchSummary = wrapped;
  };

  // On search.html, searchtools.js may come before or after this script.
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
