package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/server"
)

// A route's cached GET: the handler runs on a miss alone; a hit carries
// the same bytes, a strong ETag (304), the profile's Cache-Control and
// X-Cache; revalidating its tag or its path drops it.
func TestRouteCacheHitMiss(t *testing.T) {
	c := memoryCache(t, cache.Config{})
	var runs atomic.Int64
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/feed/{name}", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			n := runs.Add(1)
			return server.JSON(w, 200, map[string]any{"name": r.PathValue("name"), "run": n})
		}).Cache(server.RouteCache{Cache: c, Name: "feed", Profile: cache.ProfileMinutes, Tags: []string{"feed"}, Query: []string{"x", "y"}}))
	})
	get := func(path string, headers ...string) (*http.Response, string) {
		t.Helper()
		return do(t, "GET", ts.URL+path, "", headers...)
	}
	resp, body := get("/feed/a")
	if resp.Header.Get("X-Cache") != "MISS" || body != `{"name":"a","run":1}` {
		t.Fatalf("first: %s %s", resp.Header.Get("X-Cache"), body)
	}
	resp, again := get("/feed/a")
	etag := resp.Header.Get("ETag")
	if resp.Header.Get("X-Cache") != "HIT" || again != body || etag == "" ||
		resp.Header.Get("Cache-Control") != "public, max-age=0, s-maxage=60, stale-while-revalidate=3540" || resp.Header.Get("Age") == "" {
		t.Fatalf("second: %v %s", resp.Header, again)
	}
	if resp, body := get("/feed/a", "If-None-Match", etag); resp.StatusCode != 304 || body != "" || resp.Header.Get("X-Cache") != "HIT" {
		t.Errorf("with its ETag: %d %q", resp.StatusCode, body)
	}
	if _, body := get("/feed/b"); body != `{"name":"b","run":2}` {
		t.Errorf("another path: %s", body)
	}
	if _, body := get("/feed/a?x=1&y=2"); body != `{"name":"a","run":3}` {
		t.Errorf("another query: %s", body)
	}
	if _, body := get("/feed/a?y=2&x=1"); body != `{"name":"a","run":3}` {
		t.Errorf("the same query in another order: %s", body)
	}
	// A parameter the route does not name bypasses the cache: made-up
	// query strings cannot fill it.
	for i := range 2 {
		if resp, body := get("/feed/a?utm=" + fmt.Sprint(i)); resp.Header.Get("X-Cache") != "BYPASS" || body != fmt.Sprintf(`{"name":"a","run":%d}`, 4+i) {
			t.Errorf("an unknown parameter: %s %s", resp.Header.Get("X-Cache"), body)
		}
	}
	// Revalidation: the tag drops every entry; the path only its own.
	if err := c.RevalidatePath(t.Context(), "/feed/b"); err != nil {
		t.Fatal(err)
	}
	if _, body := get("/feed/a"); body != `{"name":"a","run":1}` {
		t.Errorf("another path's revalidation dropped /feed/a: %s", body)
	}
	if _, body := get("/feed/b"); body != `{"name":"b","run":6}` {
		t.Errorf("after its path's revalidation: %s", body)
	}
	if err := c.RevalidateTag(t.Context(), "feed"); err != nil {
		t.Fatal(err)
	}
	if resp, body := get("/feed/a"); resp.Header.Get("X-Cache") != "MISS" || body != `{"name":"a","run":7}` {
		t.Errorf("after its tag's revalidation: %s %s", resp.Header.Get("X-Cache"), body)
	}
}

// Never kept: an answer that sets a cookie (and never given to another
// caller), one that is not a 200, one that varies on more than Origin, and
// an answer to a signed-in caller or an Authorization header, unless the
// route caches per user, privately.
func TestRouteCacheNeverStores(t *testing.T) {
	c := memoryCache(t, cache.Config{})
	var runs atomic.Int64
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		rc := func(name string, perUser bool) server.RouteCache {
			return server.RouteCache{Cache: c, Name: name, Profile: cache.ProfileMinutes, PerUser: perUser}
		}
		s.Handle("/cookie", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			n := runs.Add(1)
			http.SetCookie(w, &http.Cookie{Name: "visit", Value: fmt.Sprint(n)})
			return server.JSON(w, 200, n)
		}).Cache(rc("cookie", false)))
		s.Handle("/gone", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			runs.Add(1)
			w.WriteHeader(http.StatusGone)
			return nil
		}).Cache(rc("gone", false)))
		s.Handle("/vary", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			runs.Add(1)
			return server.JSON(w, 200, server.Negotiate(w, r, "application/json", "text/csv"))
		}).Cache(rc("vary", false)))
		mine := func(w http.ResponseWriter, r *http.Request) error {
			runs.Add(1)
			return server.JSON(w, 200, server.BearerToken(r))
		}
		s.Handle("/shared", s.Route().Get(mine).Cache(rc("shared", false)))
		s.Handle("/mine", s.Route().Get(mine).Cache(rc("mine", true)))
	})
	for _, tc := range []struct {
		path    string
		headers []string
		xcache  string
	}{
		{"/cookie", nil, "BYPASS"},
		{"/gone", nil, "BYPASS"},
		{"/vary", nil, "BYPASS"},
		{"/shared", []string{"Authorization", "Bearer ann"}, "BYPASS"},
		{"/shared", []string{"Authorization", "Bearer nobody"}, "BYPASS"},
	} {
		for i := range 2 {
			before := runs.Load()
			resp, _ := do(t, "GET", ts.URL+tc.path, "", tc.headers...)
			if resp.Header.Get("X-Cache") != tc.xcache || runs.Load() != before+1 {
				t.Errorf("%s %v, request %d: X-Cache %q, handler ran %d times", tc.path, tc.headers, i+1, resp.Header.Get("X-Cache"), runs.Load()-before)
			}
		}
	}
	if resp, body := do(t, "GET", ts.URL+"/shared", ""); resp.Header.Get("X-Cache") != "MISS" || body != `""` {
		t.Errorf("an anonymous caller after signed-in ones: %s %s", resp.Header.Get("X-Cache"), body)
	}
	// Per user: one private entry per principal.
	for _, tc := range []struct{ token, xcache, body string }{
		{"ann", "MISS", `"ann"`}, {"ann", "HIT", `"ann"`}, {"root", "MISS", `"root"`}, {"root", "HIT", `"root"`},
	} {
		resp, body := do(t, "GET", ts.URL+"/mine", "", "Authorization", "Bearer "+tc.token)
		if resp.Header.Get("X-Cache") != tc.xcache || body != tc.body || resp.Header.Get("Cache-Control") != "private, no-cache" {
			t.Errorf("per user, %s: %s %s %q", tc.token, resp.Header.Get("X-Cache"), body, resp.Header.Get("Cache-Control"))
		}
	}
}

// Callers of one missing answer share one run of the handler; a cookie
// it sets goes to its own caller alone.
func TestRouteCacheOneLoad(t *testing.T) {
	c := memoryCache(t, cache.Config{})
	var runs atomic.Int64
	release, started := make(chan struct{}), make(chan struct{}, 64)
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/slow", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			runs.Add(1)
			started <- struct{}{}
			<-release
			return server.JSON(w, 200, "slow")
		}).Cache(server.RouteCache{Cache: c, Name: "slow", Profile: cache.ProfileMinutes}))
		// Every caller asks the same key; each is told apart by a header
		// the key does not hold, and the answer sets a cookie from it.
		s.Handle("/cookie", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			started <- struct{}{}
			<-release
			http.SetCookie(w, &http.Cookie{Name: "who", Value: r.Header.Get("X-Me")})
			return server.JSON(w, 200, "hello")
		}).Cache(server.RouteCache{Cache: c, Name: "cookie", Profile: cache.ProfileMinutes}))
	})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if _, body := do(t, "GET", ts.URL+"/slow", ""); body != `"slow"` {
				t.Errorf("caller %d: %s", i, body)
			}
		})
	}
	cookies := make([]string, 5)
	for i := range cookies {
		wg.Go(func() {
			resp, _ := do(t, "GET", ts.URL+"/cookie", "", "X-Me", fmt.Sprint(i))
			cookies[i] = resp.Header.Get("Set-Cookie")
		})
	}
	<-started // the first load of each key is under way
	<-started
	time.Sleep(50 * time.Millisecond) // the other callers join the loads: not an assertion
	close(release)
	wg.Wait()
	if runs.Load() != 1 {
		t.Errorf("20 callers ran the handler %d times", runs.Load())
	}
	for i, c := range cookies {
		if want := fmt.Sprintf("who=%d", i); c != want {
			t.Errorf("caller %d got the cookie %q", i, c)
		}
	}
}

// A stale answer is served at once, marked STALE, while one refresh runs;
// the next caller gets the refreshed one.
func TestRouteCacheStale(t *testing.T) {
	c := memoryCache(t, cache.Config{Profiles: map[string]cache.Profile{
		"brief": {Revalidate: 50 * time.Millisecond, Expire: time.Hour}}})
	var runs atomic.Int64
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/news", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			return server.JSON(w, 200, runs.Add(1))
		}).Cache(server.RouteCache{Cache: c, Name: "news", Profile: "brief"}))
	})
	if resp, body := do(t, "GET", ts.URL+"/news", ""); resp.Header.Get("X-Cache") != "MISS" || body != "1" ||
		resp.Header.Get("Cache-Control") != "public, max-age=0, s-maxage=1, stale-while-revalidate=3600" {
		t.Fatalf("first: %v %s", resp.Header, body)
	}
	time.Sleep(100 * time.Millisecond)
	if resp, body := do(t, "GET", ts.URL+"/news", ""); resp.Header.Get("X-Cache") != "STALE" || body != "1" {
		t.Fatalf("stale: %s %s", resp.Header.Get("X-Cache"), body)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, body := do(t, "GET", ts.URL+"/news", "")
		if resp.Header.Get("X-Cache") == "HIT" && body == "2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no refresh: %s %s", resp.Header.Get("X-Cache"), body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if runs.Load() != 2 {
		t.Errorf("the handler ran %d times, want one refresh", runs.Load())
	}
}

// What reaches the cache is a plain GET of the key: a miss that asked
// conditionally, or with HEAD, still fills the entry every caller gets.
// The host is part of the key; a request with cookies, a long or deep
// path, a Vary of any kind, and a signed-in caller with no subject stay
// out of it.
func TestRouteCacheKeys(t *testing.T) {
	c := memoryCache(t, cache.Config{})
	var runs atomic.Int64
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		feed := func(w http.ResponseWriter, r *http.Request) error {
			n := runs.Add(1)
			if r.Method == http.MethodHead {
				w.WriteHeader(200) // no body for HEAD
				return nil
			}
			return server.CachedJSON(w, r, fmt.Sprintf("%s %d", r.Host, n))
		}
		rc := func(name string) server.RouteCache {
			return server.RouteCache{Cache: c, Name: name, Profile: cache.ProfileMinutes}
		}
		s.Handle("/feed", s.Route().Get(feed).Cache(rc("feed")))
		s.Handle("/deep/", s.Route().Get(feed).Cache(rc("deep")))
		s.Handle("/origin", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			runs.Add(1)
			w.Header().Set("Vary", "Origin")
			return server.JSON(w, 200, r.Header.Get("Origin"))
		}).Cache(rc("origin")))
	})
	xcache := func(method, path string, headers ...string) (string, string) {
		t.Helper()
		resp, body := do(t, method, ts.URL+path, "", headers...)
		return resp.Header.Get("X-Cache"), body
	}
	if x, _ := xcache("GET", "/feed", "If-None-Match", `"someone's old copy"`); x != "MISS" {
		t.Fatalf("a conditional miss: %s", x)
	}
	if x, body := xcache("GET", "/feed"); x != "HIT" || !strings.HasSuffix(body, ` 1"`) {
		t.Errorf("after a conditional miss: %s %s, want its answer kept", x, body)
	}
	if err := c.RevalidateTag(t.Context(), "prefix:/"); err != nil {
		t.Fatal(err)
	}
	xcache("HEAD", "/feed")
	if x, body := xcache("GET", "/feed"); x != "HIT" || body == "" {
		t.Errorf("GET after a HEAD miss: %s %q, want the whole answer", x, body)
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", ts.URL+"/feed", nil)
	req.Host = "other.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if x := resp.Header.Get("X-Cache"); x != "MISS" {
		t.Errorf("another host: %s, want its own entry", x)
	}
	for _, tc := range []struct {
		name, path string
		headers    []string
	}{
		{"cookies", "/feed", []string{"Cookie", "session=alice"}},
		{"a deep path", "/deep/" + strings.Repeat("a/", 40), nil},
		{"a long path", "/deep/" + strings.Repeat("a", 1100), nil},
	} {
		for range 2 {
			if x, _ := xcache("GET", tc.path, tc.headers...); x != "BYPASS" {
				t.Errorf("%s: %s, want BYPASS", tc.name, x)
			}
		}
	}
	for _, origin := range []string{"https://a.example", "https://b.example"} {
		if x, body := xcache("GET", "/origin", "Origin", origin); x != "BYPASS" || body != `"`+origin+`"` {
			t.Errorf("an answer that varies on Origin, from %s: %s %s", origin, x, body)
		}
	}
}

// memoryCache is a cache in memory, closed at the end of the test.
func memoryCache(t *testing.T, cfg cache.Config) *cache.Cache {
	t.Helper()
	c, err := cache.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}
