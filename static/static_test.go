package static_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/formwork-dev/formwork/static"
)

func serve(t *testing.T, f *static.Files, method, path string, h http.Header) (*http.Response, string) {
	t.Helper()
	ts := httptest.NewServer(f)
	defer ts.Close()
	req, _ := http.NewRequestWithContext(t.Context(), method, ts.URL+path, nil)
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestShippedAssets(t *testing.T) {
	f, err := static.New(static.Assets(), "/static/")
	if err != nil {
		t.Fatal(err)
	}
	for name, marker := range map[string]string{static.HTMX2: `version:"2.0.11"`, static.HTMX4: `4.0.1`, static.CSS: ".fw-form", static.JS: "aria-busy"} {
		u := f.URL(name)
		if !regexp.MustCompile(`^/static/.+\.[0-9a-f]{8}\.(js|css)$`).MatchString(u) {
			t.Errorf("URL(%q) = %q is not fingerprinted", name, u)
		}
		resp, body := serve(t, f, "GET", u, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(body, marker) {
			t.Errorf("GET %s: %d %q (marker %q found: %v)", u, resp.StatusCode, resp.Header.Get("Cache-Control"), marker, strings.Contains(body, marker))
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/") {
			t.Errorf("%s Content-Type = %q", name, ct)
		}
	}
}

func TestServing(t *testing.T) {
	fsys := fstest.MapFS{"app.js": {Data: []byte("console.log(1)")}, "css/site.css": {Data: []byte("body{}")}}
	f, err := static.New(fsys, "/assets/")
	if err != nil {
		t.Fatal(err)
	}
	u := f.URL("app.js")
	resp, _ := serve(t, f, "GET", u, nil)
	etag := resp.Header.Get("ETag")
	if resp, _ = serve(t, f, "GET", u, http.Header{"If-None-Match": {etag}}); resp.StatusCode != 304 {
		t.Errorf("conditional GET: %d", resp.StatusCode)
	}
	if resp, body := serve(t, f, "HEAD", f.URL("css/site.css"), nil); resp.StatusCode != 200 || body != "" {
		t.Errorf("HEAD: %d %q", resp.StatusCode, body)
	}
	// An older deploy's fingerprint gets the current file, not cached for long.
	if resp, body := serve(t, f, "GET", "/assets/app.00000000.js", nil); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" || body != "console.log(1)" {
		t.Errorf("stale fingerprint: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	for _, p := range []string{"/assets/", "/assets/css/", "/assets/app.js", "/assets/../static_test.go", "/assets/%2e%2e/x", "/assets/nope.12345678.js", "/other/app.js"} {
		if resp, _ := serve(t, f, "GET", p, nil); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
	if resp, _ := serve(t, f, "POST", u, nil); resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	if _, err := static.New(fsys, "assets"); err == nil {
		t.Error("a prefix without slashes was accepted")
	}
}

func ExampleFiles_URL() {
	f, _ := static.New(fstest.MapFS{"app.js": {Data: []byte("console.log(1)")}}, "/static/")
	fmt.Println(f.URL("app.js")) // served with immutable caching
	// Output: /static/app.0a286891.js
}
