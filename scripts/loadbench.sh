#!/usr/bin/env bash
# Load benchmark over loopback, two pairs in one run, each the demo against
# a bare net/http server (internal/loadbench/bare) doing the least the same
# answer needs:
#   422: the no-JS invalid login (the whole page re-rendered, access log
#        on); bare parses the same form and answers the same bytes.
#   303: the sign-out form with a session cookie (the session looked up,
#        action run, 303 with the cleared cookie); bare parses the same form,
#        reads the cookie and answers the same status and headers. Sessions
#        live on the server: the first sign-out ends the session, and the
#        rest sign out a session the store no longer has.
#   changelog: GET /api/changelog.json, the public feed, a route whose
#        answers the server caches: a hit (ETag, the profile's
#        Cache-Control, X-Cache, Vary: Origin for its CORS); bare answers
#        the same bytes and headers from memory.
# And the demo alone:
#   bearer: GET /api/invoices with a bearer token (the token checked, the
#        user looked up, every invoice read and encoded with its ETag).
#   dashboard: a signed-in member's GET /, its projects and invoices read
#        through the cache, against a second demo started -no-cache that
#        reads them from SQLite every time: the cache's gain.
# Targets: 422 ratio >= 0.5, 303 ratio >= 0.6, changelog ratio >= 0.85,
# demo p99 <= 20 ms at 32 connections, demo RSS <= 40 MB under that load.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
DEMO_ADDR=127.0.0.1:18181
BARE_ADDR=127.0.0.1:18182
NOCACHE_ADDR=127.0.0.1:18183
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "loadbench: wrk is missing; run scripts/setup.sh bench" >&2; exit 1; }
go build -o "$tmp/demo" ./examples/invoices
go build -o "$tmp/bare" ./internal/loadbench/bare

# Every request comes from one address: the sign-in limits, which would
# answer 429 after 30 tries a minute, are off, so that the 422 pair
# measures the page an invalid sign-in renders.
"$tmp/demo" -addr "$DEMO_ADDR" -db "$tmp/db/invoices.db" -sign-in-limits=false >"$tmp/demo.out" 2>"${ACCESS_LOG:-$tmp/access.log}" &
demo_pid=$!; pids+=("$demo_pid")
"$tmp/demo" -addr "$NOCACHE_ADDR" -db "$tmp/db2/invoices.db" -sign-in-limits=false -no-cache >/dev/null 2>&1 &
pids+=("$!")
for addr in "$DEMO_ADDR" "$NOCACHE_ADDR"; do
  for _ in $(seq 100); do curl -fs "http://$addr/healthz" >/dev/null && break; sleep 0.1; done
done

# hidden PAGE: the hidden fields of the first form in PAGE, URL-encoded.
hidden() { printf '%s' "$1" | grep -o '<form[^>]*>.\{0,600\}' | head -1 | grep -o 'name="_[a-z]*" value="[^"]*"' |
  sed 's/name="\([^"]*\)" value="\([^"]*\)"/\1=\2/' | paste -sd'&'; }
post() { curl -s -D "$tmp/headers" -o "$tmp/body.html" -w '%{http_code}' -X POST -H 'Content-Type: application/x-www-form-urlencoded' "$@"; }

# 422: an invalid login.
login_form="$(hidden "$(curl -fs "http://$DEMO_ADDR/login")")"
form422="$login_form&email=not-an-email&password=x"
status=$(post --data "$form422" "http://$DEMO_ADDR/login")
[ "$status" = 422 ] || { echo "loadbench: the invalid login got $status, want 422" >&2; exit 1; }
cp "$tmp/body.html" "$tmp/body422.html"

# 303: sign in, then sign out with the session cookie (which ends the
# session: the run's sign-outs find none).
status=$(post --data "$login_form&email=admin@example.com&password=admin-demo-pass" "http://$DEMO_ADDR/login")
cookie=$(grep -io '^set-cookie: session=[^;]*' "$tmp/headers" | head -1 | cut -d' ' -f2)
[ "$status" = 303 ] && [ -n "$cookie" ] || { echo "loadbench: sign-in got $status, no session" >&2; exit 1; }
form303="$(hidden "$(curl -fs -H "Cookie: $cookie" "http://$DEMO_ADDR/")")"
token=$(curl -fs -H "Cookie: $cookie" "http://$DEMO_ADDR/profile" | grep -o 'inv_[0-9]*_[0-9]*_[A-Za-z0-9_-]*' | head -1)
[ -n "$token" ] || { echo "loadbench: the profile page shows no API token" >&2; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://$DEMO_ADDR/api/invoices")
[ "$status" = 200 ] || { echo "loadbench: GET /api/invoices with the token got $status" >&2; exit 1; }
curl -fs -o /dev/null "http://$DEMO_ADDR/api/changelog.json" # the miss: the pair measures hits
curl -fs -D "$tmp/changelog.headers" -o "$tmp/changelog.json" "http://$DEMO_ADDR/api/changelog.json"
grep -qi '^x-cache: HIT' "$tmp/changelog.headers" || { echo "loadbench: the changelog feed is not a cache hit" >&2; exit 1; }
# dashboard: a member signed in on each demo.
member_cookie() { local form; form="$(hidden "$(curl -fs "http://$1/login")")"
  post --data "$form&email=member@example.com&password=member-demo-pass" "http://$1/login" >/dev/null
  grep -io '^set-cookie: session=[^;]*' "$tmp/headers" | head -1 | cut -d' ' -f2; }
cached_cookie=$(member_cookie "$DEMO_ADDR"); uncached_cookie=$(member_cookie "$NOCACHE_ADDR")
[ -n "$cached_cookie" ] && [ -n "$uncached_cookie" ] || { echo "loadbench: the member could not sign in" >&2; exit 1; }
etag=$(awk 'tolower($1) == "etag:" {print $2}' "$tmp/changelog.headers" | tr -d '\r')
status=$(post -H "Cookie: $cookie" --data "$form303" "http://$DEMO_ADDR/")
[ "$status" = 303 ] || { echo "loadbench: the sign-out got $status, want 303" >&2; exit 1; }

"$tmp/bare" -addr "$BARE_ADDR" -body "$tmp/body422.html" -changelog "$tmp/changelog.json" -changelog-etag "$etag" &
pids+=("$!")
for _ in $(seq 100); do curl -s -o /dev/null "http://$BARE_ADDR/" && break; sleep 0.1; done
# The changelog pair answers the same headers (but Date) and bytes.
curl -fs -D "$tmp/bare.headers" -o "$tmp/bare.json" "http://$BARE_ADDR/api/changelog.json"
headers() { grep -iv '^\(date\|age\):' "$1" | tr -d '\r' | tr 'A-Z' 'a-z' | sort; }
cmp -s "$tmp/changelog.json" "$tmp/bare.json" && [ "$(headers "$tmp/changelog.headers")" = "$(headers "$tmp/bare.headers")" ] ||
  { echo "loadbench: bare's changelog differs from the demo's:" >&2; diff <(headers "$tmp/changelog.headers") <(headers "$tmp/bare.headers") >&2; exit 1; }
for pair in 422 303; do
  form=form$pair
  cat >"$tmp/req$pair.lua" <<LUA
wrk.method = "POST"
wrk.body = "${!form}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
done
echo "wrk.headers[\"Cookie\"] = \"$cookie\"" >>"$tmp/req303.lua" # the sign-in is anonymous
echo 'wrk.method = "GET"' >"$tmp/reqchangelog.lua"
printf 'wrk.method = "GET"\nwrk.headers["Authorization"] = "Bearer %s"\n' "$token" >"$tmp/reqbearer.lua"
printf 'wrk.method = "GET"\nwrk.headers["Cookie"] = "%s"\n' "$cached_cookie" >"$tmp/reqdashboard.lua"
printf 'wrk.method = "GET"\nwrk.headers["Cookie"] = "%s"\n' "$uncached_cookie" >"$tmp/reqdashboard-nocache.lua"
path() { case "$1" in 422) echo /login ;; 303) echo / ;; changelog) echo /api/changelog.json ;; bearer) echo /api/invoices ;; dashboard*) echo / ;; esac; }
pairs="422 303 changelog"

# rss_peak PID: the largest VmRSS (kB) seen while wrk runs.
sample_rss() { local peak=0 v; while kill -0 "$1" 2>/dev/null && [ -f "$tmp/running" ]; do
  v=$(awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0); [ "${v:-0}" -gt "$peak" ] && peak=$v; sleep 0.05; done; echo "$peak" >"$tmp/rss"; }

run_wrk() { wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$tmp/req$2.lua" "http://$1$(path "$2")"; }
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$1"; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "== warm-up"
for pair in $pairs; do run_wrk "$BARE_ADDR" $pair >/dev/null; run_wrk "$DEMO_ADDR" $pair >/dev/null; done
run_wrk "$DEMO_ADDR" bearer >/dev/null
run_wrk "$DEMO_ADDR" dashboard >/dev/null; run_wrk "$NOCACHE_ADDR" dashboard-nocache >/dev/null
# The two servers take turns, ROUNDS times each, and the medians are
# compared, so that a noisy neighbour on a shared machine weighs less.
touch "$tmp/running"; sample_rss "$demo_pid" & sampler=$!
for i in $(seq "$ROUNDS"); do
  for pair in $pairs; do
    echo "== round $i, $pair: bare net/http"; run_wrk "$BARE_ADDR" $pair | tee "$tmp/bare$pair.$i.txt" | grep -E "Requests/sec|  99%"
    echo "== round $i, $pair: formwork demo"; run_wrk "$DEMO_ADDR" $pair | tee "$tmp/demo$pair.$i.txt" | grep -E "Requests/sec|  99%"
  done
  echo "== round $i, bearer: formwork demo"; run_wrk "$DEMO_ADDR" bearer | tee "$tmp/demobearer.$i.txt" | grep -E "Requests/sec|  99%"
  echo "== round $i, dashboard: demo -no-cache"; run_wrk "$NOCACHE_ADDR" dashboard-nocache | tee "$tmp/nocachedash.$i.txt" | grep -E "Requests/sec|  99%"
  echo "== round $i, dashboard: demo, cached"; run_wrk "$DEMO_ADDR" dashboard | tee "$tmp/demodash.$i.txt" | grep -E "Requests/sec|  99%"
done
rm -f "$tmp/running"; wait "$sampler"

echo
for pair in $pairs; do
  bare_rps=$(for f in "$tmp"/bare$pair.*.txt; do rps "$f"; done | median)
  demo_rps=$(for f in "$tmp"/demo$pair.*.txt; do rps "$f"; done | median)
  demo_p99=$(for f in "$tmp"/demo$pair.*.txt; do p99 "$f"; done | median)
  target=$(case $pair in 422) echo 0.5 ;; 303) echo 0.6 ;; *) echo 0.85 ;; esac)
  awk -v b="$bare_rps" -v d="$demo_rps" -v p="$demo_p99" -v c="$CONNS" -v t="$target" -v k="$pair" 'BEGIN {
    ratio = d / b
    printf "load %s (medians of the rounds): bare %.0f req/s, demo %.0f req/s, ratio %.2f (target >= %.2f) %s\n", k, b, d, ratio, t, (ratio >= t ? "ok" : "MISSED")
    printf "load %s: demo p99 %.2f ms at %d connections (target <= 20) %s\n", k, p, c, (p <= 20 ? "ok" : "MISSED")
  }'
done
bearer_rps=$(for f in "$tmp"/demobearer.*.txt; do rps "$f"; done | median)
bearer_p99=$(for f in "$tmp"/demobearer.*.txt; do p99 "$f"; done | median)
awk -v r="$bearer_rps" -v p="$bearer_p99" -v c="$CONNS" 'BEGIN {
  printf "load bearer (medians of the rounds): GET /api/invoices with a bearer token, demo %.0f req/s, p99 %.2f ms at %d connections\n", r, p, c
}'
dash_rps=$(for f in "$tmp"/demodash.*.txt; do rps "$f"; done | median)
nocache_rps=$(for f in "$tmp"/nocachedash.*.txt; do rps "$f"; done | median)
dash_p99=$(for f in "$tmp"/demodash.*.txt; do p99 "$f"; done | median)
nocache_p99=$(for f in "$tmp"/nocachedash.*.txt; do p99 "$f"; done | median)
awk -v d="$dash_rps" -v n="$nocache_rps" -v dp="$dash_p99" -v np="$nocache_p99" 'BEGIN {
  printf "load dashboard (medians of the rounds): a member'"'"'s GET /, cached %.0f req/s (p99 %.2f ms) against uncached %.0f req/s (p99 %.2f ms): %.2fx\n", d, dp, n, np, d / n
}'
rss_mb=$(awk '{printf "%.1f", $1/1024}' "$tmp/rss")
lines=$(grep -c 'msg=request' "${ACCESS_LOG:-$tmp/access.log}" || true)
awk -v r="$rss_mb" -v n="$lines" 'BEGIN {
  printf "load: demo peak RSS %.1f MB (target <= 40) %s\n", r, (r <= 40 ? "ok" : "MISSED")
  printf "load: %d access log lines written by the demo\n", n
}'
