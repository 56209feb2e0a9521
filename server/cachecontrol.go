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
// Authorization header, or one that sets a cookie: it turns "public" into
// "private, no-cache" there.
func CachePublic(w http.ResponseWriter, s Freshness) { w.Header().Set("Cache-Control", s.String()) }

// CachePrivate lets the caller's browser alone keep the answer, asking
// again before each use ("private, no-cache"); with an ETag, asking again
// costs a 304. It is a [Route]'s default for a signed-in caller.
func CachePrivate(w http.ResponseWriter) { w.Header()["Cache-Control"] = headerBackable }

// CacheNone lets no cache keep the answer ("no-store"): for secrets, such
// as a token shown once.
func CacheNone(w http.ResponseWriter) { w.Header()["Cache-Control"] = headerNoStore }

var headerNoCache = []string{"no-cache"}

// guardCache sets the Cache-Control of a route's answer as it is sent: a
// signed-in caller's answer (or one setting a cookie) is private, and
// "private, no-cache" when the handler set nothing or set it public; an
// anonymous answer the handler set nothing on is "no-cache", for routes
// are dynamic unless they opt in.
func guardCache(h http.Header, signedIn bool) {
	cc := h.Get("Cache-Control")
	private := signedIn || len(h["Set-Cookie"]) > 0
	switch {
	case cc == "" && private:
		h["Cache-Control"] = headerBackable
	case cc == "":
		h["Cache-Control"] = headerNoCache
	case private && (strings.Contains(cc, "public") || strings.Contains(cc, "s-maxage")):
		h["Cache-Control"] = headerBackable
	}
}
