package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Freshness says how long caches may keep a public answer: browsers for
// MaxAge, shared caches (a CDN, a proxy) for SMaxAge, and either may serve
// it stale for StaleWhileRevalidate more while it fetches a fresh one.
type Freshness struct {
	MaxAge               time.Duration
	SMaxAge              time.Duration
	StaleWhileRevalidate time.Duration
}

// String is the Cache-Control value of s, such as
// "public, max-age=0, s-maxage=60, stale-while-revalidate=300".
func (s Freshness) String() string {
	var b strings.Builder
	b.WriteString("public, max-age=")
	b.WriteString(strconv.FormatInt(int64(s.MaxAge/time.Second), 10))
	if s.SMaxAge > 0 {
		b.WriteString(", s-maxage=")
		b.WriteString(strconv.FormatInt(int64(s.SMaxAge/time.Second), 10))
	}
	if s.StaleWhileRevalidate > 0 {
		b.WriteString(", stale-while-revalidate=")
		b.WriteString(strconv.FormatInt(int64(s.StaleWhileRevalidate/time.Second), 10))
	}
	return b.String()
}

// CachePublic lets any cache keep the answer, for as long as s says: the
// opt-in of a public resource such as a changelog. A [Route] never lets a
// shared cache keep the answer to a signed-in caller, to a request with an
// Authorization header, or one that sets a cookie: it makes any
// Cache-Control private there (see [Route]).
func CachePublic(w http.ResponseWriter, s Freshness) { w.Header().Set("Cache-Control", s.String()) }

// CachePrivate lets the caller's browser alone keep the answer, asking
// again before each use ("private, no-cache"); with an ETag, asking again
// costs a 304. It is a [Route]'s default for a signed-in caller.
func CachePrivate(w http.ResponseWriter) { w.Header()["Cache-Control"] = headerBackable }

// CacheNone lets no cache keep the answer ("no-store"): for secrets, such
// as a token shown once.
func CacheNone(w http.ResponseWriter) { w.Header()["Cache-Control"] = headerNoStore }

var headerNoCache = []string{"no-cache"}

// guardCache sets the Cache-Control of a route's answer as it is sent. A
// signed-in caller's answer (or one setting a cookie) is private: with
// nothing set it is "private, no-cache"; set public or shared, it loses
// those directives and becomes private, keeping the rest (a browser's
// max-age). An anonymous answer the handler set nothing on is "no-cache",
// for routes are dynamic unless they opt in.
func guardCache(h http.Header, signedIn bool) {
	cc := h.Get("Cache-Control")
	private := signedIn || len(h["Set-Cookie"]) > 0
	switch {
	case cc == "" && private:
		h["Cache-Control"] = headerBackable
	case cc == "":
		h["Cache-Control"] = headerNoCache
	case private:
		if p := privately(cc); p != cc {
			h.Set("Cache-Control", p)
		}
	}
}

// privately is the Cache-Control value cc, made private: unchanged when it
// says private or no-store; otherwise without what only shared caches
// read (public, s-maxage, proxy-revalidate), and private first.
func privately(cc string) string {
	out := []string{"private"}
	for d := range strings.SplitSeq(cc, ",") {
		d = strings.TrimSpace(d)
		name, _, _ := strings.Cut(strings.ToLower(d), "=")
		switch name {
		case "private", "no-store":
			return cc
		case "public", "s-maxage", "proxy-revalidate", "":
			continue
		}
		out = append(out, d)
	}
	if len(out) == 1 {
		out = append(out, "no-cache")
	}
	return strings.Join(out, ", ")
}
