package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
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
	// [cache.ProfileMinutes], or one of the cache's own profiles; ""
	// means [cache.ProfileDefault]. It decides the Cache-Control of the
	// answers kept, whatever the handler sets: its Revalidate is the
	// shared caches' s-maxage and the rest of its Expire their
	// stale-while-revalidate, while browsers get max-age=0 (they ask
	// again each time, a 304 with the ETag), so that a write reaches them
	// at once.
	Profile string
	// Tags tag every answer, beside its path's own tags (see
	// [cache.PathTags]): revalidating one of them, or the path, drops it.
	Tags []string
	// Query names the query parameters that select distinct answers, such
	// as "page". A request with any other parameter bypasses the cache,
	// so that made-up query strings cannot fill it with entries; nil
	// means none: a request with a query bypasses it.
	Query []string
	// AnyCookies keeps answers to requests that carry cookies, for a route
	// whose answer depends on none of them (a public feed, fetched by a
	// browser that holds cookies of the site). Without it such a request
	// bypasses the cache: an answer built from a cookie must never reach
	// another caller. PerUser implies it.
	AnyCookies bool
	// PerUser caches the answers to signed-in callers too, one entry per
	// principal ([actions.Principal.Subject]), sent as private. Without
	// it a signed-in caller's request, or one with an Authorization
	// header, bypasses the cache.
	PerUser bool
}

// routeCache is a route's cache, ready to serve.
type routeCache struct {
	fn         *cache.Func[string, cachedResponse]
	control    []string // the Cache-Control of its answers
	query      map[string]bool
	anyCookies bool
	keys       storeKeys // of the plainest requests
	perUser    bool
}

// Cache serves the route's GET and HEAD from rc.Cache: only a 200 that
// sets no cookie, says nothing against storing (no-store, private) and
// varies on nothing is kept, tagged with rc.Tags and its path.
// Every answer kept carries a strong ETag (304 for If-None-Match), a
// Cache-Control derived from the profile, its Age, and X-Cache: HIT,
// STALE (served while one refresh runs) or MISS. Any other answer is
// X-Cache: BYPASS: one not to keep (a cookie, another status, any Vary,
// such as Negotiate's), a signed-in caller's without PerUser, one to a
// request with cookies without AnyCookies, one with a query parameter
// rc.Query does not name, or to a path over 1 KB or 32 segments. The key
// is the host, the path and the named parameters: headers other than
// those that make a caller signed in are not part of it, so a handler
// whose answer reads them must not be cached. Cache panics when rc is
// incomplete, when it is called twice, or when the cache refuses its
// profile or name (a route's cache is a cached function of rc.Name in it).
func (rt *Route) Cache(rc RouteCache) *Route {
	switch {
	case rc.Cache == nil || rc.Name == "":
		panic("server: Route.Cache needs a Cache and a Name")
	case rt.cache != nil:
		panic("server: Route.Cache called twice on one route")
	case rc.Profile == "":
		rc.Profile = cache.ProfileDefault
	}
	p, ok := rc.Cache.Profile(rc.Profile)
	if !ok {
		panic(fmt.Sprintf("server: Route.Cache: no profile called %q", rc.Profile))
	}
	tags := append([]string(nil), rc.Tags...)
	fn, err := cache.NewFunc(rc.Cache, rc.Name, rc.Profile, loadRoute, cache.KeyTags(keyTags(tags)))
	if err != nil {
		panic(fmt.Sprintf("server: Route.Cache %q (a route's cache is a cached function of that name in the cache): %v", rc.Name, err))
	}
	rt.cache = &routeCache{fn: fn, control: []string{cacheControl(p, rc.PerUser)}, perUser: rc.PerUser,
		query: map[string]bool{}, anyCookies: rc.AnyCookies || rc.PerUser}
	for _, q := range rc.Query {
		rt.cache.query[q] = true
	}
	return rt
}

// cacheControl is the Cache-Control of a profile's answers: browsers ask
// again each time, shared caches keep them as the server does.
func cacheControl(p cache.Profile, private bool) string {
	if private {
		return "private, no-cache"
	}
	return "public, max-age=0, s-maxage=" + seconds(p.Revalidate) +
		", stale-while-revalidate=" + seconds(p.Expire-p.Revalidate)
}

// seconds is d in whole seconds, rounded up (a 300 ms window is 1 s, not
// none) and at most a year.
func seconds(d time.Duration) string {
	d = min(d, 365*24*time.Hour)
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// loadContext is the context of a route cache's lookup, and carries what
// its load runs: the request that found no entry, and the route's
// handler. One value, so that a hit allocates one.
type loadContext struct {
	context.Context
	r *http.Request
	h HandlerFunc
}

type loadKey struct{}

func (c *loadContext) Value(key any) any {
	if key == (loadKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// uncacheable is a load's answer that must not be kept (not a 200, a
// cookie, a Vary): it goes to the request that loaded it alone.
type uncacheable struct {
	r    *http.Request
	resp *recorder
}

func (u *uncacheable) Error() string { return "server: the answer may not be cached" }

// loadRoute runs the route's handler for the request in ctx, into a
// recorder: as a plain GET, for the answer every caller of its key gets,
// whatever the request that found no entry asked (HEAD, If-None-Match,
// a Range).
func loadRoute(ctx context.Context, _ string) (cachedResponse, error) {
	lr := ctx.Value(loadKey{}).(*loadContext)
	rec := &recorder{header: http.Header{}}
	r := lr.r.Clone(ctx)
	r.Method = http.MethodGet
	for _, h := range [...]string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range"} {
		r.Header.Del(h)
	}
	if err := lr.h(rec, r); err != nil {
		return cachedResponse{}, err
	}
	if !rec.cacheable() {
		return cachedResponse{}, &uncacheable{r: lr.r, resp: rec}
	}
	return rec.cached(), nil
}

// serveCached answers a GET or HEAD of a route with a cache.
func (rt *Route) serveCached(w http.ResponseWriter, r *http.Request, h HandlerFunc) {
	rc := rt.cache
	user, bypass := "", !rc.anyCookies && r.Header["Cookie"] != nil
	p := actions.PrincipalFrom(r.Context())
	if p != nil || r.Header["Authorization"] != nil {
		if user = ""; rc.perUser && p != nil {
			user = p.Subject()
		}
		bypass = bypass || user == "" // nobody to key it by
	}
	if bypass {
		w.Header()["X-Cache"] = xBypass
		rt.serve(w, r, h)
		return
	}
	now := time.Now()
	if resp, ok := rc.fresh(r, user, now); ok {
		writeCached(w, r, resp, rc.control, cache.StatusHit, now)
		return
	}
	k, ok := rc.key(r, user)
	if !ok {
		w.Header()["X-Cache"] = xBypass
		rt.serve(w, r, h)
		return
	}
	resp, st, err := rc.fn.Lookup(&loadContext{Context: r.Context(), r: r, h: h}, k)
	if err != nil {
		rt.cacheFailed(w, r, h, err)
		return
	}
	writeCached(w, r, resp, rc.control, st, time.Now())
}

// cacheFailed answers a request whose lookup failed: with its own answer,
// when its load's was one not to keep; by running the handler, when that
// answer was another request's (never its cookies); else with the error.
func (rt *Route) cacheFailed(w http.ResponseWriter, r *http.Request, h HandlerFunc, err error) {
	var un *uncacheable
	switch {
	case errors.As(err, &un) && un.r == r:
		w.Header()["X-Cache"] = xBypass // an answer not to keep
		un.resp.replay(&committed{ResponseWriter: w, signedIn: r.Header.Get("Cookie") != "" || r.Header.Get("Authorization") != ""})
	case errors.As(err, &un):
		w.Header()["X-Cache"] = xBypass
		rt.serve(w, r, h)
	default:
		rt.s.routeFailed(&committed{ResponseWriter: w}, r, err)
	}
}

// The X-Cache values, shared by every answer.
var (
	xCache = [...][]string{
		cache.StatusMiss:  {cache.StatusMiss.String()},
		cache.StatusHit:   {cache.StatusHit.String()},
		cache.StatusStale: {cache.StatusStale.String()},
	}
	xBypass = []string{"BYPASS"}
)

// writeCached writes a cached answer, or 304 when the client has it. The
// header values are the answer's own slices, shared: never appended to.
func writeCached(w http.ResponseWriter, r *http.Request, resp cachedResponse, control []string, st cache.Status, now time.Time) {
	h := w.Header()
	if resp.fields != nil {
		for _, f := range resp.fields {
			h[f.key] = f.values
		}
	} else {
		for k, v := range resp.Header {
			h[k] = v
		}
	}
	h["Cache-Control"] = control
	h["X-Cache"] = xCache[st]
	if st != cache.StatusMiss {
		h["Age"] = ageOf(resp, now)
	}
	// The maps hold canonical keys: indexed directly, not canonicalized.
	if inm := r.Header["If-None-Match"]; inm != nil && matchesETag(inm, resp.Header["Etag"][0]) {
		delete(h, "Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(resp.Body)
}
