#!/usr/bin/env bash
# Refresh the vendored MathJax in book/_static/mathjax/ (the site must work offline, so
# MathJax is served from the site itself, not from a CDN), from the npm registry.
#
# The site loads MathJax's components one by one (see mathjax3_config in _config.yml):
# startup.js, then the TeX input, the CommonHTML output with its woff-v2 fonts, and ui/lazy,
# which typesets only the formulas near the viewport, so a chapter of 600 formulas shows its
# first screen as fast as a page of ten. TeX extensions that a formula needs (\boldsymbol,
# \cancel, ...) are loaded on demand from input/tex/extensions/. The menu (ui/menu, 420 kB,
# which also made every formula a Tab stop) is not vendored; a11y/assistive-mml gives screen
# readers a MathML copy of each formula.
set -euo pipefail
version=${1:-3.2.2}
cd "$(dirname "$0")/.."
dest=book/_static/mathjax
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "mathjax@$version" >/dev/null && tar xzf "mathjax-$version.tgz")
src="$tmp/package/es5"
rm -rf "$dest"
mkdir -p "$dest/input/tex" "$dest/output/chtml/fonts" "$dest/ui" "$dest/a11y"
cp "$src/startup.js" "$src/core.js" "$dest/"
cp "$src/input/tex.js" "$dest/input/"
cp -r "$src/input/tex/extensions" "$dest/input/tex/"
cp "$src/output/chtml.js" "$dest/output/"
cp "$src/output/chtml/fonts/tex.js" "$dest/output/chtml/fonts/"
cp -r "$src/output/chtml/fonts/woff-v2" "$dest/output/chtml/fonts/"
cp "$src/ui/lazy.js" "$dest/ui/"
cp "$src/a11y/assistive-mml.js" "$dest/a11y/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
echo "MathJax $version" > "$dest/VERSION"
