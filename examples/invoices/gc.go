package main

import (
	"os"
	"runtime/debug"
)

// setGCPolicy gives the demo a server's GC policy, unless GOGC or
// GOMEMLIMIT in the environment choose another: collect at 200% heap
// growth, half as often as Go's default, under a soft limit of 96 MiB
// that keeps the heap bounded whatever the load.
//
// A form request allocates about 15 KB, most of it in form decoding,
// validation and rendering, and at Go's default the collector took about
// a fifth of the CPU of a loaded demo. At 200 the 422 load pair ran 1.3x
// faster with a peak RSS of 27 MB instead of 24 (make bench; the bare
// baseline, which allocates almost nothing, runs the same either way).
// The limit keeps the process near 120 MB of RSS under the body flood of
// scripts/stressbench.sh (200 bodies of 900 KB, then 8,000 slow ones);
// at 128 MiB it peaked at 157 MB.
func setGCPolicy() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(96 << 20)
	}
}
