#!/usr/bin/env bash
# Vendors htmx from the npm package htmx.org, at pinned versions, into
# static/assets. Run it to change a version; the files are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
HTMX2=2.0.11
HTMX4=4.0.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for v in "$HTMX2" "$HTMX4"; do
  (cd "$tmp" && npm pack --silent "htmx.org@$v" >/dev/null && mkdir "$v" && tar xzf "htmx.org-$v.tgz" -C "$v")
  cp "$tmp/$v/package/dist/htmx.min.js" "static/assets/htmx-$v.min.js"
done
sha256sum static/assets/htmx-*.min.js
