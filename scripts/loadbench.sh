#!/usr/bin/env bash
# Load benchmark over loopback: the demo's no-JS invalid login (422, the
# whole page re-rendered, access logging on) against a bare net/http server
# that parses the same form and answers with the same bytes, in one run.
# Targets: demo req/s >= 0.5x bare, demo p99 <= 20 ms at 32 connections,
# demo RSS <= 40 MB under that load.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
DEMO_ADDR=127.0.0.1:18181
BARE_ADDR=127.0.0.1:18182
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "loadbench: wrk is missing; run scripts/setup.sh bench" >&2; exit 1; }
go build -o "$tmp/demo" ./examples/invoices
go build -o "$tmp/bare" ./internal/loadbench/bare

"$tmp/demo" -addr "$DEMO_ADDR" -db "$tmp/db/invoices.db" >"$tmp/demo.out" 2>"${ACCESS_LOG:-$tmp/access.log}" &
demo_pid=$!; pids+=("$demo_pid")
for _ in $(seq 100); do curl -fs "http://$DEMO_ADDR/healthz" >/dev/null && break; sleep 0.1; done

# The login form's hidden fields, and the body of an invalid login.
page=$(curl -fs "http://$DEMO_ADDR/login")
field() { printf '%s' "$page" | grep -o "name=\"$1\" value=\"[^\"]*\"" | head -1 | sed 's/.*value="//; s/"$//'; }
form="_action=$(field _action)&_bound=$(field _bound)&_form=$(field _form)&email=not-an-email&password=x"
status=$(curl -s -o "$tmp/body.html" -w '%{http_code}' -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data "$form" "http://$DEMO_ADDR/login")
[ "$status" = 422 ] || { echo "loadbench: the invalid login got $status, want 422" >&2; exit 1; }

"$tmp/bare" -addr "$BARE_ADDR" -body "$tmp/body.html" &
pids+=("$!")
for _ in $(seq 100); do curl -s -o /dev/null "http://$BARE_ADDR/" && break; sleep 0.1; done

cat >"$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "$form"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA

# rss_peak PID: the largest VmRSS (kB) seen while wrk runs.
sample_rss() { local peak=0 v; while kill -0 "$1" 2>/dev/null && [ -f "$tmp/running" ]; do
  v=$(awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0); [ "${v:-0}" -gt "$peak" ] && peak=$v; sleep 0.05; done; echo "$peak" >"$tmp/rss"; }

run_wrk() { wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$tmp/post.lua" "http://$1/login"; }
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$1"; }

echo "== warm-up"; wrk -t2 -c"$CONNS" -d2s -s "$tmp/post.lua" "http://$BARE_ADDR/login" >/dev/null; wrk -t2 -c"$CONNS" -d2s -s "$tmp/post.lua" "http://$DEMO_ADDR/login" >/dev/null
# The two servers take turns, ROUNDS times each, and the medians are
# compared, so that a noisy neighbour on a shared machine weighs less.
touch "$tmp/running"; sample_rss "$demo_pid" & sampler=$!
for i in $(seq "$ROUNDS"); do
  echo "== round $i: bare net/http"; run_wrk "$BARE_ADDR" | tee "$tmp/bare.$i.txt" | grep -E "Requests/sec|  99%"
  echo "== round $i: formwork demo"; run_wrk "$DEMO_ADDR" | tee "$tmp/demo.$i.txt" | grep -E "Requests/sec|  99%"
done
rm -f "$tmp/running"; wait "$sampler"

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
bare_rps=$(for f in "$tmp"/bare.*.txt; do rps "$f"; done | median)
demo_rps=$(for f in "$tmp"/demo.*.txt; do rps "$f"; done | median)
demo_p99=$(for f in "$tmp"/demo.*.txt; do p99 "$f"; done | median)
rss_mb=$(awk '{printf "%.1f", $1/1024}' "$tmp/rss")
lines=$(grep -c 'msg=request' "$tmp/access.log" || true)
awk -v b="$bare_rps" -v d="$demo_rps" -v p="$demo_p99" -v r="$rss_mb" -v n="$lines" -v c="$CONNS" 'BEGIN {
  ratio = d / b
  printf "\nload (medians of the rounds): bare %.0f req/s, demo %.0f req/s, ratio %.2f (target >= 0.50) %s\n", b, d, ratio, (ratio >= 0.5 ? "ok" : "MISSED")
  printf "load: demo p99 %.2f ms at %d connections (target <= 20) %s\n", p, c, (p <= 20 ? "ok" : "MISSED")
  printf "load: demo peak RSS %.1f MB (target <= 40) %s\n", r, (r <= 40 ? "ok" : "MISSED")
  printf "load: %d access log lines written by the demo\n", n
}'
