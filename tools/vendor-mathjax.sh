#!/usr/bin/env bash
# Refresh the vendored MathJax in book/_static/mathjax/ (the site must work offline, so
# MathJax is served from the site itself, not from a CDN). The SVG build needs no font files,
# so typeset mathematics works even when a page is opened straight from disk (file://).
set -euo pipefail
version=${1:-3.2.2}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent "mathjax@$version" >/dev/null && tar xzf "mathjax-$version.tgz")
cp "$tmp/package/es5/tex-svg-full.js" book/_static/mathjax/tex-svg-full.js
cp "$tmp/package/LICENSE" book/_static/mathjax/LICENSE
echo "MathJax $version" > book/_static/mathjax/VERSION
rm -rf "$tmp"
