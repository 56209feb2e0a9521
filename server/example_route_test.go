package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/keyring"
	"github.com/formwork-dev/formwork/server"
)

// A mobile client's API: a bearer token gives the principal that the same
// policies as actions check, and a JSON body is decoded and validated as
// an action's input is, so a 422 names the fields the way a form does (by
// their form tag, else their Go name: tag an input with form as well as
// json to key its errors as its JSON).
func ExampleDecoded() {
	type NewNote struct {
		Title string `form:"title" json:"title" validate:"required,max=80"`
	}
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	srv, _ := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler),
		Authenticate: func(r *http.Request) (actions.Principal, error) {
			if server.BearerToken(r) == "secret-token" {
				return apiUser("ann"), nil
			}
			return nil, nil // nobody: a policy refuses with 401
		}})
	srv.Handle("/api/notes", srv.Route().Post(server.Decoded(srv, actions.SignedIn(),
		func(w http.ResponseWriter, r *http.Request, in NewNote) error {
			w.Header().Set("Location", "/api/notes/1")
			return server.JSON(w, http.StatusCreated, in)
		})))
	for _, tc := range []struct{ token, body string }{
		{"", `{"title":"Buy milk"}`},
		{"secret-token", `{"title":""}`},
		{"secret-token", `{"title":"Buy milk","done":true}`},
		{"secret-token", `{"title":"Buy milk"}`},
	} {
		req := httptest.NewRequest("POST", "/api/notes", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 401 {"type":"about:blank","title":"Unauthorized","status":401,"detail":"Please sign in to continue.","kind":"unauthenticated"}
	// 422 {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"Please correct the errors below.","kind":"invalid","errors":[{"location":"title","message":"This field is required."}]}
	// 400 {"type":"about:blank","title":"Bad Request","status":400,"detail":"The JSON body has an unknown field \"done\".","kind":"malformed"}
	// 201 {"title":"Buy milk"}
}

// apiUser is a principal with no roles.
type apiUser string

func (u apiUser) Subject() string     { return string(u) }
func (apiUser) HasRole(_ string) bool { return false }

// Scripts on one other origin may call a route, with cookies; a browser's
// preflight learns so, and other origins are refused.
func ExampleRoute_CORS() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	srv, _ := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	srv.Handle("/api/notes", srv.Route().
		Post(func(w http.ResponseWriter, r *http.Request) error { w.WriteHeader(http.StatusCreated); return nil }).
		CORS(server.CORS{Origins: []string{"https://app.example"}, Headers: []string{"Content-Type"}, Credentials: true}))
	preflight := httptest.NewRequest("OPTIONS", "/api/notes", nil)
	preflight.Header.Set("Origin", "https://app.example")
	preflight.Header.Set("Access-Control-Request-Method", "POST")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, preflight)
	fmt.Println("preflight:", w.Code, w.Header().Get("Access-Control-Allow-Origin"), w.Header().Get("Access-Control-Allow-Methods"))
	for _, origin := range []string{"https://app.example", "https://evil.example"} {
		req := httptest.NewRequest("POST", "/api/notes", strings.NewReader("{}"))
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		fmt.Println(origin+":", w.Code, w.Header().Get("Access-Control-Allow-Origin"))
	}
	// Output:
	// preflight: 204 https://app.example OPTIONS, POST
	// https://app.example: 201 https://app.example
	// https://evil.example: 403
}

// A public feed kept by the server's cache: the handler runs once, the
// next callers get its bytes with an ETag (a 304 when they have them),
// and a write revalidates it by tag, so the next caller reads afresh.
func ExampleRoute_Cache() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	srv, _ := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	news := []string{"formwork 1.0"}
	srv.Handle("/news.json", srv.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
		return server.JSON(w, http.StatusOK, news)
	}).Cache(server.RouteCache{Cache: c, Name: "news", Profile: cache.ProfileMinutes, Tags: []string{"news"}}))
	get := func(header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/news.json", nil)
		if len(header) == 2 {
			req.Header.Set(header[0], header[1])
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		fmt.Println(strings.TrimSpace(fmt.Sprint(w.Code, " ", w.Header().Get("X-Cache"), " ", w.Body.String())))
		return w
	}
	get()
	etag := get().Header().Get("ETag")
	get("If-None-Match", etag)
	get("Authorization", "Bearer a-token") // a signed-in caller's answer is never kept
	news = append(news, "formwork 1.1")
	c.RevalidateTag(context.Background(), "news")
	get()
	// Output:
	// 200 MISS ["formwork 1.0"]
	// 200 HIT ["formwork 1.0"]
	// 304 HIT
	// 200 BYPASS ["formwork 1.0"]
	// 200 MISS ["formwork 1.0","formwork 1.1"]
}
