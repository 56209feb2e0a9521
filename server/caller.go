package server

import (
	"net/http"
	"strconv"
	"strings"
)

// Caller is the kind of client that sent a request, which decides the shape
// of the response, never its meaning.
type Caller int

// The kinds of caller.
const (
	CallerBrowser Caller = iota // a plain browser, JavaScript off or on
	CallerHTMX                  // htmx 2 or 4: the HX-Request header
	CallerJSON                  // Accept prefers application/json
)

// CallerOf tells which kind of caller sent r.
func CallerOf(r *http.Request) Caller {
	if r.Header.Get("HX-Request") == "true" {
		return CallerHTMX
	}
	if prefersJSON(r.Header.Get("Accept")) {
		return CallerJSON
	}
	return CallerBrowser
}

// prefersJSON reports whether an Accept header ranks application/json above
// text/html, as [Negotiate] ranks them.
func prefersJSON(accept string) bool {
	if !strings.Contains(accept, "json") {
		return false
	}
	ranges := parseAccept([]string{accept})
	return rank(ranges, "application/json") > rank(ranges, "text/html")
}

// quality reads the q parameter of a media range; it is 1 when absent.
func quality(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && k == "q" {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				return f
			}
		}
	}
	return 1
}
