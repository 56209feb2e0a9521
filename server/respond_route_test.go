package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/formwork-dev/formwork/server"
)

// A cached representation has a strong ETag; If-None-Match naming it, in
// any of its forms, gets 304 with no body; anything else gets 200.
func TestCachedETag(t *testing.T) {
	ts := newRouteServer(t, func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Cache-Control", "public, max-age=60")
			return server.CachedJSON(w, r, map[string]string{"title": "Changelog"})
		})
	})
	resp, body := send(t, "GET", ts.URL+"/things", nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || len(etag) < 10 || etag[0] != '"' || body != `{"title":"Changelog"}` {
		t.Fatalf("first: %d %q %q", resp.StatusCode, etag, body)
	}
	for inm, want := range map[string]int{
		etag:                      304,
		"W/" + etag:               304,
		"*":                       304,
		`"other", ` + etag:        304,
		`"a,b", W/` + etag:        304,
		`"other"`:                 200,
		etag[:len(etag)-1]:        200, // no closing quote
		"garbage " + etag:         200,
		`"other", W/"also-other"`: 200,
	} {
		req := httptest.NewRequest("GET", ts.URL+"/things", nil)
		req.RequestURI = ""
		req.Header.Set("If-None-Match", inm)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want || resp.Header.Get("ETag") != etag || (want == 304 && resp.ContentLength > 0) {
			t.Errorf("If-None-Match %s: %d, ETag %q", inm, resp.StatusCode, resp.Header.Get("ETag"))
		}
	}
	// HEAD has GET's headers, the ETag among them.
	resp, body = send(t, "HEAD", ts.URL+"/things", nil)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != etag || resp.Header.Get("Cache-Control") != "public, max-age=60" || body != "" {
		t.Fatalf("HEAD: %d %v %q", resp.StatusCode, resp.Header, body)
	}
}

// A path value that is not an int64 is a 404 problem, not a 500.
func TestPathInt64(t *testing.T) {
	ts := newRouteServerAt(t, "/items/{id}", func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			id, err := server.PathInt64(r, "id")
			if err != nil {
				return err
			}
			return server.JSON(w, 200, map[string]int64{"id": id})
		})
	})
	for path, want := range map[string]int{"/items/42": 200, "/items/-3": 200, "/items/x": 404, "/items/99999999999999999999": 404,
		"/items/+42": 404, "/items/042": 404, "/items/": 404} {
		resp, _ := send(t, "GET", ts.URL+path, nil)
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
