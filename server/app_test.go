package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
	"github.com/formwork-dev/formwork/server"
	"github.com/formwork-dev/formwork/views"
)

// The test app: a notes page with three forms.

type Note struct {
	Title    string `form:"title" json:"title" validate:"required,max=40"`
	Body     string `form:"body" json:"body"`
	Password string `form:"password" json:"password"`
}

type Archive struct {
	ID int64 `form:"id" validate:"required"`
}

type Upload struct {
	Name string        `form:"name" validate:"required"`
	Doc  *actions.File `form:"doc" validate:"required"`
}

type member struct{ name, role string }

func (m member) Subject() string          { return m.name }
func (m member) HasRole(role string) bool { return m.role == role }

type app struct {
	reg      *actions.Registry
	srv      *server.Server
	ts       *httptest.Server
	save     *actions.Action[Note, Note]
	archive  *actions.Action[Archive, int64]
	upload   *actions.Action[Upload, string]
	rec      *actions.Recorder
	ran      atomic.Int64 // mutations run
	bodyRead atomic.Int64 // request body bytes the server read
	logs     *bytes.Buffer
}

var testSecret = []byte("test-secret-test-secret-test-secret!")

func testKeys() *keyring.Ring {
	keys, err := keyring.New(testSecret)
	if err != nil {
		panic(err)
	}
	return keys
}

func newApp(t testing.TB, dev bool) *app {
	t.Helper()
	a := &app{logs: &bytes.Buffer{}, rec: &actions.Recorder{}}
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys(), Revalidator: a.rec})
	if err != nil {
		t.Fatal(err)
	}
	a.reg = reg
	a.save = actions.New("note.save", func(ctx context.Context, in Note) (Note, error) {
		a.ran.Add(1)
		actions.RevalidateTag(ctx, "notes") // first, so that a failure after it must discard it
		actions.SetCookie(ctx, &http.Cookie{Name: "saved", Value: "1", Path: "/"})
		switch in.Title {
		case "panic":
			panic("the mutation panicked")
		case "go":
			actions.Redirect(ctx, "/done")
		case "full":
			actions.RedirectFull(ctx, "/done")
		case "evil":
			actions.Redirect(ctx, "https://evil.example/steal")
		case "pay":
			actions.Redirect(ctx, "https://pay.example.com/checkout")
		case "taken":
			return in, actions.Invalid(map[string]string{"title": "That title is taken."})
		case "again":
			return in, actions.TooManyRequests(90 * time.Second)
		case "stale":
			return in, actions.Stale("Changed by someone else.", map[string]string{"title": "Saved now: “fresh”."})
		}
		actions.SetMessage(ctx, "Saved "+in.Title+".")
		return in, nil
	}, actions.SignedIn(), actions.Sensitive("password"))
	a.archive = actions.New("note.archive", func(ctx context.Context, in Archive) (int64, error) {
		a.ran.Add(1)
		actions.SetMessage(ctx, "Archived.")
		return in.ID, nil
	}, actions.RequireRole("admin"), actions.Bound("id"))
	a.upload = actions.New("file.upload", func(ctx context.Context, in Upload) (string, error) {
		a.ran.Add(1)
		return in.Doc.Filename + ":" + in.Doc.ContentType + ":" + string(rune('0'+len(in.Doc.Content)%10)), nil
	}, actions.Public())
	if err := reg.Register(a.save, a.archive, a.upload); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{
		Actions:         reg,
		Dev:             dev,
		Logger:          slog.New(slog.NewJSONHandler(a.logs, nil)),
		RedirectOrigins: []string{"https://pay.example.com"},
		Authenticate: func(r *http.Request) (actions.Principal, error) {
			switch r.Header.Get("X-User") {
			case "ann":
				return member{"ann", "member"}, nil
			case "root":
				return member{"root", "admin"}, nil
			}
			return nil, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	a.srv = srv
	srv.Page("/notes", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return notesPage(a, res), nil
	})
	srv.Handle("GET /done", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "done") }))
	a.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = countingBody{r.Body, &a.bodyRead}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(a.ts.Close)
	return a
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func notesPage(a *app, res *actions.Result) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, "<!DOCTYPE html><html><head><title>Notes</title></head><body>")
		if err := views.Notice(res).Render(ctx, w); err != nil {
			return err
		}
		form := func(h actions.Handler, opts views.FormOptions, fields ...templ.Component) error {
			return views.Form(h, res, opts).Render(templ.WithChildren(ctx, templ.Join(fields...)), w)
		}
		if err := form(a.save, views.FormOptions{},
			views.Input("title", "Title"), views.TextArea("body", "Body"), views.Input("password", "Password"),
			views.Submit("Save", "Saving…")); err != nil {
			return err
		}
		if err := form(a.archive, views.FormOptions{Bind: url.Values{"id": {"42"}}}, views.Submit("Archive", "Archiving…")); err != nil {
			return err
		}
		_, err := io.WriteString(w, "</body></html>")
		return err
	})
}

// request helpers

type call struct {
	method, path string
	body         io.Reader
	ctype        string
	user         string
	caller       server.Caller
	target       string // HX-Target
	header       http.Header
}

func (a *app) do(t testing.TB, c call) (*http.Response, string) {
	t.Helper()
	if c.method == "" {
		c.method = "POST"
	}
	if c.path == "" {
		c.path = "/notes"
	}
	req, err := http.NewRequestWithContext(t.Context(), c.method, a.ts.URL+c.path, c.body)
	if err != nil {
		t.Fatal(err)
	}
	if c.ctype == "" && c.body != nil {
		c.ctype = "application/x-www-form-urlencoded"
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	if c.user != "" {
		req.Header.Set("X-User", c.user)
	}
	switch c.caller {
	case server.CallerHTMX:
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Current-URL", a.ts.URL+"/notes")
		if c.target != "" {
			req.Header.Set("HX-Target", c.target)
		}
	case server.CallerJSON:
		req.Header.Set("Accept", "application/json")
	default:
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func (a *app) saveForm(v url.Values) io.Reader {
	v.Set("_action", a.save.ID())
	v.Set("_form", views.DOMID(a.save, ""))
	return strings.NewReader("_action=" + a.save.ID() + "&" + without(v, "_action").Encode())
}

func without(v url.Values, key string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != key {
			out[k] = vs
		}
	}
	return out
}

func (a *app) archiveForm(sealed string) io.Reader {
	return strings.NewReader(url.Values{"_action": {a.archive.ID()}, "_bound": {sealed}}.Encode())
}

func (a *app) sealed(t testing.TB) string {
	s, err := a.archive.Seal(url.Values{"id": {"42"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var discard = slog.New(slog.DiscardHandler)
