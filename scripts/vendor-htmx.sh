#!/usr/bin/env bash
# Vendors htmx from the npm package htmx.org, and idiomorph's htmx 2
# extension from the npm package idiomorph, at pinned versions, into
# static/assets. Run it to change a version; the files are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
HTMX2=2.0.11
HTMX4=4.0.1
IDIOMORPH=0.8.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unpack() { # package version
  (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null && mkdir "$1-$2" && tar xzf "$1-$2.tgz" -C "$1-$2")
}
for v in "$HTMX2" "$HTMX4"; do
  unpack htmx.org "$v"
  cp "$tmp/htmx.org-$v/package/dist/htmx.min.js" "static/assets/htmx-$v.min.js"
done
unpack idiomorph "$IDIOMORPH"
cp "$tmp/idiomorph-$IDIOMORPH/package/dist/idiomorph-ext.min.js" "static/assets/idiomorph-ext-$IDIOMORPH.min.js"
sha256sum static/assets/htmx-*.min.js static/assets/idiomorph-ext-*.min.js
