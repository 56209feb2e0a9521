#!/usr/bin/env bash
# Stress benchmarks over loopback, each on a fresh demo, with the server's
# peak memory (VmHWM) read when the load ends:
#   - sign-in flood: 64 connections post wrong passwords while a probe
#     asks for the dashboard every 20 ms; with the sign-in limits on, and
#     off (only the bcrypt slots then). Target: probe p99 <= 50 ms.
#   - bodies: 200 bodies of 900 KB at once, then 8,000 connections sending
#     900 KB slowly, while the probe asks for /login. Target: peak RSS
#     <= 150 MB, and no probe fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ADDR=${STRESS_ADDR:-127.0.0.1:8093}
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/demo" ./examples/invoices
go build -o "$tmp/stress" ./internal/loadbench/stress

# start ARGS...: a fresh demo on a fresh database.
start() {
  [ -n "$pid" ] && { kill "$pid"; wait "$pid" 2>/dev/null || true; }
  rm -rf "$tmp/db"
  "$tmp/demo" -addr "$ADDR" -db "$tmp/db/invoices.db" "$@" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -fs "http://$ADDR/healthz" >/dev/null && return; sleep 0.1; done
  echo "stressbench: the demo did not start" >&2; exit 1
}
hidden() { printf '%s' "$1" | grep -o '<form[^>]*>.\{0,600\}' | head -1 | grep -o 'name="_[a-z]*" value="[^"]*"' |
  sed 's/name="\([^"]*\)" value="\([^"]*\)"/\1=\2/' | paste -sd'&'; }
signin() {
  form=$(hidden "$(curl -fs "http://$ADDR/login")")
  cookie=$(curl -s -D - -o /dev/null -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
    --data "$form&email=admin@example.com&password=admin-demo-pass" "http://$ADDR/login" | grep -io '^set-cookie: session=[^;]*' | cut -d' ' -f2)
}
peak() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$pid/status"; }
p99() { awk '/^probe:/ {for (i = 1; i <= NF; i++) if ($i == "p99") print $(i+1)}' "$1"; }
failed() { awk '/^probe:/ {print $4}' "$1"; }

for limits in true false; do
  start -sign-in-limits=$limits
  signin
  "$tmp/stress" -addr "$ADDR" -mode flood -form "$form" -cookie "$cookie" -probe / -conns 64 -d 10s | tee "$tmp/flood"
  printf 'sign-in flood, limits %s: dashboard p99 %s ms (target <= 50), %s failed, peak RSS %s MB %s\n' "$limits" \
    "$(p99 "$tmp/flood")" "$(failed "$tmp/flood")" "$(peak)" "$(awk -v p="$(p99 "$tmp/flood")" 'BEGIN {print (p <= 50 ? "ok" : "MISSED")}')"
done

start -sign-in-limits=false
signin
"$tmp/stress" -addr "$ADDR" -mode bodies -form "$form" -probe /login -slow 8000 -d 10s | tee "$tmp/bodies"
rss=$(peak)
printf 'bodies, 200 x 900 KB then 8000 slow: peak RSS %s MB (target <= 150), %s probes failed, probe p99 %s ms %s\n' "$rss" \
  "$(failed "$tmp/bodies")" "$(p99 "$tmp/bodies")" "$(awk -v r="$rss" -v f="$(failed "$tmp/bodies")" 'BEGIN {print (r <= 150 && f == 0 ? "ok" : "MISSED")}')"
