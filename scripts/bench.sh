#!/usr/bin/env bash
# Runs the benchmarks in one go test invocation and prints each formwork
# path as a ratio of the hand-written baseline measured in the same run.
# The headline ratio comes from BenchmarkRoundTripRatio, which alternates
# the two handlers request by request so that both see the same load.
# Target: formwork at no more than 1.25x the hand-written handler's time
# and allocations.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -run='^$' -bench=. -benchmem -count="${COUNT:-3}" ./server ./examples/invoices/app ./cache | tee "$out"
# Propagation is measured over many bumps in each run; the hits over many gets.
go test -run='^$' -bench=CacheGet -benchmem -count="${COUNT:-3}" ./redisstore | tee -a "$out"
go test -run='^$' -bench=BumpPropagation -benchtime=1000x -count="${COUNT:-3}" ./redisstore | tee -a "$out"
awk '
/^BenchmarkRoundTripRatio/ {
  for (i = 2; i <= NF; i++) {
    if ($(i+1) == "time-ratio") tr[++nr] = $i
    if ($(i+1) == "allocs-ratio") ar[nr + 1] = $i
  }
  next
}
/^BenchmarkRouteETagRatio\// {
  name = $1; sub(/^BenchmarkRouteETagRatio\//, "", name); sub(/-[0-9]+$/, "", name)
  if (!(name in rn_)) { rorder[++nro] = name }
  rn_[name]++
  for (i = 2; i <= NF; i++) {
    if ($(i+1) == "time-ratio") rt[name] += $i
    if ($(i+1) == "allocs-ratio") ra[name] += $i
  }
  next
}
/^BenchmarkRouteCacheHitRatio\// {
  name = $1; sub(/^BenchmarkRouteCacheHitRatio\//, "", name); sub(/-[0-9]+$/, "", name)
  if (!(name in chn)) { chorder[++nch] = name }
  chn[name]++
  for (i = 2; i <= NF; i++) {
    if ($(i+1) == "time-ratio") cht[name] += $i
    if ($(i+1) == "allocs-ratio") cha[name] += $i
  }
  next
}
/^BenchmarkFuncHit-/ {
  for (i = 2; i <= NF; i++) { if ($(i+1) == "ns/op") fh["ns"] += $i; if ($(i+1) == "allocs/op") fh["allocs"] += $i; if ($(i+1) == "map-ns/op") fh["map"] += $i }
  fhn++
  next
}
/^BenchmarkCacheGet\// {
  name = $1; sub(/^BenchmarkCacheGet\//, "", name); sub(/-[0-9]+$/, "", name)
  if (!(name in cgn)) { cgorder[++ncg] = name }
  cgn[name]++
  for (i = 2; i <= NF; i++) { if ($(i+1) == "ns/op") cgt[name] += $i; if ($(i+1) == "allocs/op") cga[name] += $i }
  next
}
/^BenchmarkBumpPropagation/ {
  for (i = 2; i <= NF; i++) if ($(i+1) ~ /-p(50|99)-µs$/) { bp[$(i+1)] += $i }
  bpn++
  next
}
/^BenchmarkSSEStreams/ {
  for (i = 2; i <= NF; i++) if ($(i+1) ~ /^(formwork-B\/stream|handwritten-B\/stream|client-B\/stream|ratio|leftover-goroutines|leftover-B)$/) sse[$(i+1)] += $i
  sn++
  next
}
/^BenchmarkWriteBurst/ {
  for (i = 2; i <= NF; i++) if ($(i+1) == "comments/s") { wb += $i; wn++ }
  next
}
/^BenchmarkRefresh\// {
  split($1, part, "/"); c = part[2]; v = part[3]; sub(/-[0-9]+$/, "", v)
  if (!(c in seen)) { seen[c] = 1; cases[++nc] = c }
  for (i = 2; i <= NF; i++) if ($(i+1) ~ /^(ns\/op|allocs\/op|B\/resp|gzB\/resp|regionsB\/resp)$/) rf[c, v, $(i+1)] += $i
  rn[c, v]++
  next
}
/^Benchmark/ {
  name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkRoundTrip\//, "", name)
  for (i = 2; i <= NF; i++) {
    if ($(i+1) == "ns/op") ns[name] += $i
    if ($(i+1) == "B/op") by[name] += $i
    if ($(i+1) == "allocs/op") al[name] += $i
  }
  n[name]++
}
END {
  printf "\n%-28s %12s %10s %10s   %s\n", "benchmark (mean of runs)", "ns/op", "B/op", "allocs/op", "ratio to handwritten (time, allocs)"
  split("handwritten-303 formwork-303 handwritten-422 formwork-422-page formwork-422-htmx-fragment BenchmarkInvalidLogin", order, " ")
  for (k = 1; k in order; k++) {
    b = order[k]; if (!(b in n)) continue
    t = ns[b] / n[b]; m = by[b] / n[b]; a = al[b] / n[b]
    base = (b ~ /422/) ? "handwritten-422" : "handwritten-303"
    ratio = ""
    if (b ~ /^formwork/) ratio = sprintf("%.2fx, %.2fx", t / (ns[base] / n[base]), a / (al[base] / n[base]))
    printf "%-28s %12.0f %10.0f %10.0f   %s\n", b, t, m, a, ratio
  }
  if (nc) {
    printf "\nhtmx success, the refresh (BenchmarkRefresh, mean of runs): the whole page to morph against the form fragment\n"
    printf "%-16s %-9s %10s %10s %9s %9s %10s\n", "page after", "response", "ns/op", "allocs/op", "B/resp", "gzB/resp", "regions B"
    for (k = 1; k <= nc; k++) {
      c = cases[k]
      for (vi = 1; vi <= 2; vi++) {
        v = (vi == 1) ? "fragment" : "page"; m = rn[c, v]; if (!m) continue
        printf "%-16s %-9s %10.0f %10.0f %9.0f %9.0f %10s\n", c, v, rf[c, v, "ns/op"] / m, rf[c, v, "allocs/op"] / m, rf[c, v, "B/resp"] / m, rf[c, v, "gzB/resp"] / m, (v == "fragment") ? sprintf("%.0f", rf[c, v, "regionsB/resp"] / m) : ""
      }
      f = rn[c, "fragment"]; g = rn[c, "page"]
      if (f && g) printf "%-16s page/fragment: %.2fx time, %.2fx allocs, %.2fx bytes, %.2fx gzipped\n", "", (rf[c, "page", "ns/op"] / g) / (rf[c, "fragment", "ns/op"] / f), (rf[c, "page", "allocs/op"] / g) / (rf[c, "fragment", "allocs/op"] / f), (rf[c, "page", "B/resp"] / g) / (rf[c, "fragment", "B/resp"] / f), (rf[c, "page", "gzB/resp"] / g) / (rf[c, "fragment", "gzB/resp"] / f)
    }
  }
  if (nro) {
    printf "\nroute GET JSON with a strong ETag, interleaved with a hand-written net/http handler (BenchmarkRouteETagRatio, mean of runs; target <= 1.15x):\n"
    for (k = 1; k <= nro; k++) {
      c = rorder[k]; t = rt[c] / rn_[c]; a = ra[c] / rn_[c]
      printf "  %-16s %.3fx time, %.3fx allocs %s\n", c, t, a, (t <= 1.15 && a <= 1.15 ? "ok" : "MISSED")
    }
  }
  if (nch) {
    printf "\ncached GET hit against a plain handler writing the same bytes, interleaved (BenchmarkRouteCacheHitRatio, mean of runs; target <= 1.1x against the same middleware):\n"
    for (k = 1; k <= nch; k++) {
      c = chorder[k]; t = cht[c] / chn[c]; a = cha[c] / chn[c]
      printf "  %-16s %.3fx time, %.3fx allocs %s\n", c, t, a, (c != "same-middleware" ? "" : (t <= 1.1 && a <= 1.1 ? "ok" : "MISSED"))
    }
  }
  if (fhn) printf "\ncached function hit, memory store (BenchmarkFuncHit, mean of runs): %.0f ns/op, %.0f allocs/op (a map under a read lock: %.0f ns/op)\n", fh["ns"] / fhn, fh["allocs"] / fhn, fh["map"] / fhn
  if (ncg) {
    printf "\nRedis-backed cache hit, loopback (BenchmarkCacheGet, mean of runs):\n"
    for (k = 1; k <= ncg; k++) { c = cgorder[k]; printf "  %-22s %8.1f µs/op %6.0f allocs/op\n", c, cgt[c] / cgn[c] / 1000, cga[c] / cgn[c] }
  }
  if (bpn) printf "\nrevalidation between two instances through Redis (BenchmarkBumpPropagation, 1,000 bumps, mean of runs): the next read misses p50 %.0f µs, p99 %.0f µs; the hint evicts p50 %.0f µs, p99 %.0f µs (target p99 <= 5 ms) %s\n", bp["miss-p50-µs"] / bpn, bp["miss-p99-µs"] / bpn, bp["hint-p50-µs"] / bpn, bp["hint-p99-µs"] / bpn, (bp["miss-p99-µs"] / bpn <= 5000 && bp["hint-p99-µs"] / bpn <= 5000 ? "ok" : "MISSED")
  if (sn) {
    f = sse["formwork-B/stream"] / sn
    printf "\nSSE, 1,000 open streams (BenchmarkSSEStreams, mean of runs; heap + stacks, the client side subtracted):\n"
    printf "  formwork %.1f KB per stream (target <= 32) %s; hand-written %.1f KB; ratio %.2fx\n", f / 1024, (f <= 32768 ? "ok" : "MISSED"), sse["handwritten-B/stream"] / sn / 1024, sse["ratio"] / sn
    printf "  once closed: %.0f goroutines and %.1f KB left over\n", sse["leftover-goroutines"] / sn, sse["leftover-B"] / sn / 1024
  }
  if (wn) printf "\nwrite burst (BenchmarkWriteBurst, 64 clients, 2,000 comments, mean of runs): %.0f comments/s, every one answered 303\n", wb / wn
  # median of the interleaved runs
  for (i = 1; i <= nr; i++) for (j = i + 1; j <= nr; j++) if (tr[j] < tr[i]) { x = tr[i]; tr[i] = tr[j]; tr[j] = x }
  t = tr[int((nr + 1) / 2)]; a = ar[1]
  printf "\nround trip, interleaved (median of %d runs): formwork %.3fx time, %.3fx allocs of the hand-written handler (target <= 1.25x) %s\n", nr, t, a, (t <= 1.25 && a <= 1.25 ? "ok" : "MISSED")
}' "$out"
