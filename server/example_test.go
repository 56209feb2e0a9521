package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
	"github.com/formwork-dev/formwork/server"
	"github.com/formwork-dev/formwork/views"
)

type Signup struct {
	Email string `form:"email" json:"email" validate:"required,email"`
}

// The quickstart: one action, its form and its page, served by a plain
// net/http server. The same POST answers a browser with 303 or 422, htmx
// with the form's fragment, and JSON clients with the result.
func Example() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	signup := actions.New("newsletter.signup", func(ctx context.Context, in Signup) (string, error) {
		actions.SetMessage(ctx, "Thanks! Check "+in.Email+".")
		return in.Email, nil
	}, actions.Public())
	if err := reg.Register(signup); err != nil {
		panic(err)
	}
	srv, _ := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	srv.Page("/{$}", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			io.WriteString(w, "<!DOCTYPE html><html><body>")
			views.Notice(res).Render(ctx, w)
			form := views.Form(signup, res, views.FormOptions{})
			form.Render(templ.WithChildren(ctx, templ.Join(views.Input("email", "Email"), views.Submit("Sign up", "Signing up…"))), w)
			_, err := io.WriteString(w, "</body></html>")
			return err
		}), nil
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()

	post := func(email string, header http.Header) *http.Response {
		body := url.Values{"_action": {signup.ID()}, "email": {email}}.Encode()
		req, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header[k] = v
		}
		resp, _ := http.DefaultTransport.RoundTrip(req)
		resp.Body.Close()
		return resp
	}
	fmt.Println(post("ann@example.com", nil).Status, post("ann@example.com", nil).Header.Get("Location"))
	fmt.Println(post("not an email", nil).Status)
	fmt.Println(post("not an email", http.Header{"HX-Request": {"true"}}).Status)
	fmt.Println(post("ann@example.com", http.Header{"Accept": {"application/json"}}).Status)
	// Output:
	// 303 See Other /
	// 422 Unprocessable Entity
	// 422 Unprocessable Entity
	// 200 OK
}

// A page is an http.Handler that mounts in the app's own router: here a
// plain http.ServeMux, with the server's middleware around only what needs
// it. The action endpoint mounts the same way.
func ExampleServer_PageHandler() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	signup := actions.New("newsletter.signup", func(ctx context.Context, in Signup) (string, error) {
		return in.Email, nil
	}, actions.Public())
	reg.Register(signup)
	srv, _ := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	page := srv.PageHandler(func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		form := views.Form(signup, res, views.FormOptions{})
		return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			return form.Render(templ.WithChildren(ctx, views.Input("email", "Email")), w)
		}), nil
	})

	mux := http.NewServeMux()
	mux.Handle("/signup", srv.Middleware(page))
	mux.Handle("POST /_actions/{id}", srv.Middleware(srv.ActionHandler()))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	ts := httptest.NewServer(mux)
	defer ts.Close()

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := client.PostForm(ts.URL+"/signup", url.Values{"_action": {signup.ID()}, "email": {"ann@example.com"}})
	fmt.Println(resp.Status, resp.Header.Get("Location"))
	req, _ := http.NewRequest("DELETE", ts.URL+"/signup", nil)
	resp, _ = client.Do(req)
	fmt.Println(resp.Status, resp.Header.Get("Allow"))
	// Output:
	// 303 See Other /signup
	// 405 Method Not Allowed GET, HEAD, POST
}

// CheckCrossOrigin is the cross-origin check alone, for code that decides
// for itself what a refused request gets. Safe methods always pass; an
// unsafe one from another site, or from an opaque origin, does not.
func ExampleServer_CheckCrossOrigin() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	srv, _ := server.New(server.Config{Actions: reg, TrustedOrigins: []string{"https://admin.example.com"}})

	req := func(method string, header http.Header) *http.Request {
		r := httptest.NewRequest(method, "https://shop.example.com/cart", nil)
		r.Header = header
		return r
	}
	fmt.Println(srv.CheckCrossOrigin(req("GET", http.Header{"Sec-Fetch-Site": {"cross-site"}})) == nil)
	fmt.Println(srv.CheckCrossOrigin(req("POST", http.Header{"Sec-Fetch-Site": {"same-origin"}})) == nil)
	fmt.Println(srv.CheckCrossOrigin(req("POST", http.Header{"Sec-Fetch-Site": {"cross-site"}})) == nil)
	fmt.Println(srv.CheckCrossOrigin(req("POST", http.Header{"Origin": {"https://admin.example.com"}})) == nil)
	fmt.Println(srv.CheckCrossOrigin(req("POST", http.Header{"Origin": {"null"}})) == nil)
	// Output:
	// true
	// true
	// false
	// true
	// false
}

// Pages carry a strict Content-Security-Policy and other security headers
// by default. An app that loads images from a CDN changes a copy, and sets
// it as Config.PageHeaders.
func ExampleDefaultPageHeaders() {
	headers := server.DefaultPageHeaders()
	csp := headers.Get("Content-Security-Policy")
	headers.Set("Content-Security-Policy", strings.Replace(csp, "img-src 'self'", "img-src 'self' https://cdn.example.com", 1))
	fmt.Println(headers.Get("X-Frame-Options"), headers.Get("Referrer-Policy"))
	fmt.Println(strings.Contains(headers.Get("Content-Security-Policy"), "img-src 'self' https://cdn.example.com data:"))
	// Output:
	// DENY strict-origin-when-cross-origin
	// true
}

// A route handler answers callers that are not a form on a page: here,
// public JSON, mounted in a plain http.ServeMux. It answers HEAD and
// OPTIONS itself, and any other method with 405 and Allow; an error it
// returns is an RFC 9457 problem.
func ExampleServer_Route() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	srv, _ := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	mux := http.NewServeMux()
	mux.Handle("/api/status", srv.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Query().Has("gone") {
			return actions.ErrNotFound
		}
		w.Header().Set("Content-Type", "application/json")
		_, err := io.WriteString(w, `{"ok":true}`)
		return err
	}))
	for _, req := range []*http.Request{
		httptest.NewRequest("GET", "/api/status", nil),
		httptest.NewRequest("OPTIONS", "/api/status", nil),
		httptest.NewRequest("DELETE", "/api/status", nil),
		httptest.NewRequest("GET", "/api/status?gone", nil),
	} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		line := fmt.Sprint(req.Method, " ", w.Code, " ", w.Header().Get("Allow"), " ", w.Header().Get("Content-Type"), " ", strings.TrimSpace(w.Body.String()))
		fmt.Println(strings.Join(strings.Fields(line), " "))
	}
	// Output:
	// GET 200 application/json {"ok":true}
	// OPTIONS 204 GET, HEAD, OPTIONS
	// DELETE 405 GET, HEAD, OPTIONS application/problem+json {"type":"about:blank","title":"Method Not Allowed","status":405,"detail":"This address does not answer DELETE."}
	// GET 404 application/problem+json {"type":"about:blank","title":"Not Found","status":404,"detail":"That no longer exists.","kind":"not_found"}
}

// An event stream of invoice updates. A client that reconnects sends the
// ID of the last event it received, and gets what it missed before the
// updates that come next; while none comes, a heartbeat comment keeps the
// stream open. Here the updates are two, and then the feed closes.
func ExampleEvents() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	srv, _ := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	missed := map[string][]server.Event{"1": {{ID: "2", Name: "invoice", Data: "INV-2 paid"}}}
	updates := make(chan server.Event, 2) // in an app, a subscription to a hub
	updates <- server.Event{ID: "3", Name: "invoice", Data: "INV-3 paid"}
	updates <- server.Event{ID: "4", Name: "invoice", Data: "INV-4 sent\nto ann@example.com"}
	close(updates)
	srv.Handle("/invoices/events", srv.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
		stream, err := server.Events(w, r)
		if err != nil {
			return err
		}
		for _, e := range missed[stream.LastEventID()] {
			if err := stream.Send(e); err != nil {
				return err
			}
		}
		return stream.Relay(updates)
	}))
	ts := httptest.NewServer(srv)
	defer ts.Close()

	req, _ := http.NewRequest("GET", ts.URL+"/invoices/events", nil)
	req.Header.Set("Last-Event-ID", "1")
	resp, err := ts.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Header.Get("Content-Type"))
	fmt.Print(string(body))
	// Output:
	// text/event-stream
	// id: 2
	// event: invoice
	// data: INV-2 paid
	//
	// id: 3
	// event: invoice
	// data: INV-3 paid
	//
	// id: 4
	// event: invoice
	// data: INV-4 sent
	// data: to ann@example.com
}

// A CSV export sent row by row, as the rows are read, rather than built
// whole first: each Write to the stream reaches the client at once, as one
// chunk of a chunked body.
func ExampleNewStream() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	srv, _ := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	srv.Handle("/invoices.csv", srv.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		stream := server.NewStream(w)
		for _, row := range []string{"number,total", "INV-1,120.00", "INV-2,80.50"} {
			if _, err := fmt.Fprintln(stream, row); err != nil {
				return err
			}
		}
		return nil
	}))
	ts := httptest.NewServer(srv)
	defer ts.Close()

	resp, err := ts.Client().Get(ts.URL + "/invoices.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.TransferEncoding)
	fmt.Print(string(body))
	// Output:
	// [chunked]
	// number,total
	// INV-1,120.00
	// INV-2,80.50
}
