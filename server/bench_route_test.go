package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/server"
)

// entry is one item of the JSON the route benchmark answers.
type entry struct {
	ID      int       `json:"id"`
	Title   string    `json:"title"`
	Body    string    `json:"body"`
	Created time.Time `json:"created_at"`
}

func entries(n int) []entry {
	out := make([]entry, n)
	for i := range out {
		out[i] = entry{i + 1, fmt.Sprintf("Release %d", i+1), strings.Repeat("Faster pages. ", 8), time.Date(2026, 11, i+1, 9, 0, 0, 0, time.UTC)}
	}
	return out
}

// routeETag is a formwork route behind the whole server (its log line,
// panic recovery, cross-origin check and authentication) answering the
// JSON with a strong ETag.
func routeETag(b *testing.B, n int) http.Handler {
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	srv.Handle("/feed.json", srv.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
		return server.CachedJSON(w, r, map[string]any{"entries": entries(n)})
	}))
	return srv
}

// handwrittenETag is the same answer written by hand on net/http: the
// same bytes and headers, the same 304.
func handwrittenETag(n int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed.json", func(w http.ResponseWriter, r *http.Request) {
		body, err := json.Marshal(map[string]any{"entries": entries(n)})
		if err != nil {
			http.Error(w, "encode", http.StatusInternalServerError)
			return
		}
		sum := sha256.Sum256(body)
		etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-cache")
		if inm := r.Header.Get("If-None-Match"); inm == etag || inm == "*" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	return mux
}

// BenchmarkRouteETagRatio serves the same GET JSON through a formwork
// route and a hand-written handler in alternation, request by request, and
// reports formwork's time and allocations as ratios of the hand-written
// handler's: a full 200, and a 304 for a client that has it, for a feed of
// 2 entries (where formwork's own cost shows most) and of 20. Target:
// 1.15x or less.
func BenchmarkRouteETagRatio(b *testing.B) {
	for _, n := range []int{2, 20} {
		b.Run(fmt.Sprintf("entries-%d", n), func(b *testing.B) { routeETagRatio(b, n) })
	}
}

func routeETagRatio(b *testing.B, n int) {
	fw, hw := routeETag(b, n), handwrittenETag(n)
	probe := httptest.NewRecorder()
	fw.ServeHTTP(probe, httptest.NewRequest("GET", "/feed.json", nil))
	etag := probe.Header().Get("ETag")
	want := httptest.NewRecorder()
	hw.ServeHTTP(want, httptest.NewRequest("GET", "/feed.json", nil))
	if !bytes.Equal(probe.Body.Bytes(), want.Body.Bytes()) || etag != want.Header().Get("ETag") {
		b.Fatal("the two handlers answer different bytes")
	}
	for _, tc := range []struct {
		name   string
		inm    string
		status int
	}{{"200", "", 200}, {"304", etag, 304}} {
		b.Run(tc.name, func(b *testing.B) {
			serve := func(h http.Handler) {
				req := httptest.NewRequest("GET", "/feed.json", nil)
				if tc.inm != "" {
					req.Header.Set("If-None-Match", tc.inm)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != tc.status {
					b.Fatalf("status %d, want %d", w.Code, tc.status)
				}
			}
			var tHW, tFW time.Duration
			for b.Loop() {
				t0 := time.Now()
				serve(hw)
				t1 := time.Now()
				serve(fw)
				tHW += t1.Sub(t0)
				tFW += time.Since(t1)
			}
			aHW := testing.AllocsPerRun(200, func() { serve(hw) })
			aFW := testing.AllocsPerRun(200, func() { serve(fw) })
			b.ReportMetric(float64(tFW)/float64(tHW), "time-ratio")
			b.ReportMetric(aFW/aHW, "allocs-ratio")
			b.ReportMetric(aHW, "handwritten-allocs")
			b.ReportMetric(aFW, "formwork-allocs")
		})
	}
}

// BenchmarkRouteCacheHitRatio serves a cached route's hit against a plain
// handler writing the same bytes and headers from memory, in alternation,
// and reports the ratios. Two plain handlers: one mounted in the same
// server, behind the same middleware (its log line, recovery,
// cross-origin check, authentication), which the cache's own cost is the
// ratio to (target 1.1x or less); and one in a bare http.ServeMux, for the
// cost of the whole stack.
func BenchmarkRouteCacheHitRatio(b *testing.B) {
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	c, err := cache.New(cache.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	srv.Handle("/feed.json", srv.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
		return server.CachedJSON(w, r, map[string]any{"entries": entries(20)})
	}).Cache(server.RouteCache{Cache: c, Name: "feed", Profile: cache.ProfileMinutes}))
	get := func(h http.Handler, path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}
	get(srv, "/feed.json") // the miss
	probe := get(srv, "/feed.json")
	if probe.Header().Get("X-Cache") != "HIT" {
		b.Fatalf("no hit: %v", probe.Header())
	}
	body, header := probe.Body.Bytes(), probe.Header().Clone()
	plain := func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, k := range []string{"Content-Type", "Etag", "Cache-Control", "X-Cache", "Content-Length"} {
			h[k] = header[k]
		}
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	}
	srv.Handle("GET /plain.json", http.HandlerFunc(plain))
	bare := http.NewServeMux()
	bare.HandleFunc("GET /plain.json", plain)
	for _, base := range []struct {
		name string
		h    http.Handler
	}{{"same-middleware", srv}, {"bare-mux", bare}} {
		b.Run(base.name, func(b *testing.B) {
			serve := func(h http.Handler, path string) {
				if w := get(h, path); w.Code != http.StatusOK || w.Body.Len() != len(body) {
					b.Fatalf("%s: status %d, %d bytes", path, w.Code, w.Body.Len())
				}
			}
			var tPlain, tFW time.Duration
			for b.Loop() {
				t0 := time.Now()
				serve(base.h, "/plain.json")
				t1 := time.Now()
				serve(srv, "/feed.json")
				tPlain += t1.Sub(t0)
				tFW += time.Since(t1)
			}
			aPlain := testing.AllocsPerRun(200, func() { serve(base.h, "/plain.json") })
			aFW := testing.AllocsPerRun(200, func() { serve(srv, "/feed.json") })
			b.ReportMetric(float64(tFW)/float64(tPlain), "time-ratio")
			b.ReportMetric(aFW/aPlain, "allocs-ratio")
		})
	}
}
