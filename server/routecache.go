package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/cache"
)

// RouteCache opts a route's GET into the server-side cache: see
// [Route.Cache].
type RouteCache struct {
	// Cache keeps the answers. Required.
	Cache *cache.Cache
	// Name names the route's entries in Cache: unique in it, the same on
	// every instance that shares Cache's store, such as "changelog".
	// Required.
	Name string
	// Profile is the life of an answer: a preset such as
	// [cache.ProfileMinutes], or one of the cache's own profiles. Its
	// Stale is the browsers' max-age, its Revalidate the shared caches'
	// s-maxage, and the rest of its Expire their stale-while-revalidate.
	Profile string
	// Tags tag every answer, beside its path's own tags (see
	// [cache.PathTags]): revalidating one of them, or the path, drops it.
	Tags []string
	// PerUser caches the answers to signed-in callers too, one entry per
	// principal ([actions.Principal.Subject]), sent as private. Without
	// it a signed-in caller's request, or one with an Authorization
	// header, bypasses the cache.
	PerUser bool
}

// routeCache is a route's cache, ready to serve.
type routeCache struct {
	fn      *cache.Func[routeKey, CachedResponse]
	control string // the Cache-Control of its answers
	perUser bool
}

// routeKey names one cached answer: the path, the query (sorted), and the
// principal of a per-user cache.
type routeKey struct{ Path, Query, User string }

// CachedResponse is an answer kept by a route's cache. It is exported for
// the cache's encoding only.
type CachedResponse struct {
	Header http.Header
	Body   []byte
	ETag   string
}

// Cache serves the route's GET and HEAD from rc.Cache: only a 200 that
// sets no cookie and varies on nothing but Origin is kept, tagged with
// rc.Tags and its path; every answer carries a strong ETag (304 for
// If-None-Match), a Cache-Control derived from the profile, and X-Cache:
// HIT, STALE (served while one refresh runs), MISS, or BYPASS (a
// signed-in caller without PerUser). It panics when rc is incomplete, or
// its profile or name is refused by the cache.
func (rt *Route) Cache(rc RouteCache) *Route {
	if rc.Cache == nil || rc.Name == "" {
		panic("server: Route.Cache needs a Cache and a Name")
	}
	p, ok := rc.Cache.Profile(rc.Profile)
	if !ok {
		panic(fmt.Sprintf("server: Route.Cache: no profile called %q", rc.Profile))
	}
	tags := append([]string(nil), rc.Tags...)
	fn, err := cache.NewFunc(rc.Cache, rc.Name, rc.Profile, loadRoute,
		cache.KeyTags(func(k routeKey) []string { return append(cache.PathTags(k.Path), tags...) }))
	if err != nil {
		panic("server: Route.Cache: " + err.Error())
	}
	rt.cache = &routeCache{fn: fn, control: cacheControl(p, rc.PerUser), perUser: rc.PerUser}
	return rt
}

// cacheControl is the Cache-Control of a profile's answers.
func cacheControl(p cache.Profile, private bool) string {
	secs := func(d time.Duration) string {
		return strconv.FormatInt(int64(min(d, 365*24*time.Hour)/time.Second), 10)
	}
	if private {
		return "private, max-age=" + secs(p.Stale)
	}
	return "public, max-age=" + secs(p.Stale) + ", s-maxage=" + secs(p.Revalidate) +
		", stale-while-revalidate=" + secs(p.Expire-p.Revalidate)
}

// loadRequest is what a route cache's load runs: the request that found
// no entry, and the route's handler.
type loadRequest struct {
	r *http.Request
	h HandlerFunc
}

type loadKey struct{}

// uncacheable is a load's answer that must not be kept (not a 200, a
// cookie, a Vary): it goes to the request that loaded it alone.
type uncacheable struct {
	r    *http.Request
	resp *recorder
}

func (u *uncacheable) Error() string { return "server: the answer may not be cached" }

// loadRoute runs the route's handler for the request in ctx, into a
// recorder.
func loadRoute(ctx context.Context, _ routeKey) (CachedResponse, error) {
	lr := ctx.Value(loadKey{}).(*loadRequest)
	rec := &recorder{header: http.Header{}}
	if err := lr.h(rec, lr.r.WithContext(ctx)); err != nil {
		return CachedResponse{}, err
	}
	if !rec.cacheable() {
		return CachedResponse{}, &uncacheable{r: lr.r, resp: rec}
	}
	return rec.cached(), nil
}

// serveCached answers a GET or HEAD of a route with a cache.
func (rt *Route) serveCached(w http.ResponseWriter, r *http.Request, h HandlerFunc) {
	rc := rt.cache
	k := routeKey{Path: r.URL.Path, Query: r.URL.Query().Encode()}
	if p := actions.PrincipalFrom(r.Context()); p != nil || r.Header.Get("Authorization") != "" {
		if !rc.perUser || p == nil {
			w.Header().Set("X-Cache", "BYPASS")
			rt.serve(w, r, h)
			return
		}
		k.User = p.Subject()
	}
	ctx := context.WithValue(r.Context(), loadKey{}, &loadRequest{r: r, h: h})
	resp, st, err := rc.fn.Lookup(ctx, k)
	var un *uncacheable
	switch {
	case errors.As(err, &un) && un.r == r:
		w.Header().Set("X-Cache", "MISS")
		un.resp.replay(w) // this request's own answer
	case errors.As(err, &un):
		w.Header().Set("X-Cache", "MISS")
		rt.serve(w, r, h) // another request's: never its cookies
	case err != nil:
		rt.s.routeFailed(&committed{ResponseWriter: w}, r, err)
	default:
		writeCached(w, r, resp, rc.control, st)
	}
}

// writeCached writes a cached answer, or 304 when the client has it.
func writeCached(w http.ResponseWriter, r *http.Request, resp CachedResponse, control string, st cache.Status) {
	h := w.Header()
	for k, v := range resp.Header {
		h[k] = v
	}
	h.Set("ETag", resp.ETag)
	h.Set("Cache-Control", control)
	h.Set("X-Cache", st.String())
	if matchesETag(r.Header.Values("If-None-Match"), resp.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(http.StatusOK)
	w.Write(resp.Body)
}

// recorder keeps what a handler writes, for the cache.
type recorder struct {
	header http.Header
	status int
	body   []byte
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	rec.body = append(rec.body, b...)
	return len(b), nil
}

// cacheable reports whether the answer may be kept for every caller: a
// 200 that sets no cookie, says nothing against storing, and varies on
// nothing but Origin.
func (rec *recorder) cacheable() bool {
	if rec.status != http.StatusOK && rec.status != 0 || len(rec.header["Set-Cookie"]) > 0 {
		return false
	}
	cc := strings.ToLower(rec.header.Get("Cache-Control"))
	if strings.Contains(cc, "no-store") || strings.Contains(cc, "private") {
		return false
	}
	for _, v := range rec.header.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f != "" && !strings.EqualFold(f, "Origin") {
				return false
			}
		}
	}
	return true
}

// cached is the answer as the cache keeps it: its own ETag, or a hash of
// its body.
func (rec *recorder) cached() CachedResponse {
	h := rec.header.Clone()
	etag := h.Get("ETag")
	for _, k := range []string{"Cache-Control", "Content-Length", "Date", "Etag", "Vary", "X-Cache"} {
		delete(h, k)
	}
	if etag == "" {
		sum := sha256.Sum256(rec.body)
		etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
	}
	return CachedResponse{Header: h, Body: rec.body, ETag: etag}
}

// replay writes the recorded answer to w.
func (rec *recorder) replay(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range rec.header {
		h[k] = v
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.Write(rec.body)
}
