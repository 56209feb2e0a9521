package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/formwork-dev/formwork/server"
)

// A panic after the response has started cuts the response off, never
// appends an error page to it, however RecoverPanics is mounted; before
// the response has started it is a 500 with a digest.
func TestRecoverPanics(t *testing.T) {
	a := newApp(t, false)
	srv, err := server.New(server.Config{Actions: a.reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	wrap := func(next http.Handler) http.Handler { // a writer wrapper, as chi's middleware use
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(middleware.NewWrapResponseWriter(w, r.ProtoMajor), r)
		})
	}
	late := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "partial body;")
		http.NewResponseController(w).Flush()
		panic("after the first byte")
	})
	early := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("before the first byte") })
	for name, h := range map[string]http.Handler{
		"alone":                        srv.RecoverPanics(late),
		"under LogRequests":            srv.LogRequests(srv.RecoverPanics(late)),
		"a wrapper between":            srv.LogRequests(wrap(srv.RecoverPanics(late))),
		"a wrapper inside":             srv.RecoverPanics(wrap(late)),
		"before the response, alone":   srv.RecoverPanics(early),
		"before the response, wrapped": srv.LogRequests(wrap(srv.RecoverPanics(wrap(early)))),
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(h)
			defer ts.Close()
			resp, err := http.Get(ts.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body) // a cut-off chunked body fails here
			if strings.HasPrefix(name, "before") {
				if resp.StatusCode != 500 || !strings.Contains(string(body), "fw-digest") {
					t.Fatalf("%d %s", resp.StatusCode, body)
				}
				return
			}
			if err == nil || strings.Contains(string(body), "<") {
				t.Fatalf("the response was not cut off: %d %q, %v", resp.StatusCode, body, err)
			}
		})
	}
}
