package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
	"github.com/formwork-dev/formwork/views"
)

// refreshCase is a demo page just after an htmx action succeeded on it.
type refreshCase struct {
	name    string
	path    string
	id      string // the path's {id}, if it has one
	page    func(a *App) server.PageFunc
	form    func(a *App) actions.Handler
	target  string   // the fragment the form swaps: its own id when ""
	regions []string // what else the action made stale, as the start of its element
}

var refreshCases = []refreshCase{
	{name: "invoice-saved", path: "/invoices/1", id: "1", page: func(a *App) server.PageFunc { return a.invoicePage },
		form: func(a *App) actions.Handler { return a.act.editInvoice }, regions: []string{`<section class="card">`}},
	{name: "comment-added", path: "/invoices/1", id: "1", page: func(a *App) server.PageFunc { return a.invoicePage },
		form: func(a *App) actions.Handler { return a.act.addComment }, target: "comments"},
	{name: "profile-saved", path: "/profile", page: func(a *App) server.PageFunc { return a.profilePage },
		form: func(a *App) actions.Handler { return a.act.saveProfile }, regions: []string{`<header class="top">`}},
}

// BenchmarkRefresh weighs the two ways to leave no part of a page stale
// after an htmx action, on demo pages as they are just after one:
//
//   - fragment: the form's fragment and the Notice, out of band; what
//     formwork sent before, which left the rest of the page stale;
//   - regions: that, plus the regions the action made stale, sent out of
//     band: reported on the fragment's row as regionsB/resp, the
//     fragment's bytes plus those elements'. It is not timed: its time is
//     the fragment's, as templ renders the whole tree either way;
//   - page: the whole page, which htmx morphs into the body; what formwork
//     sends now.
//
// Each reports its response size in bytes (B/resp) and gzipped
// (gzB/resp); ns/op and allocs/op include the page's queries.
func BenchmarkRefresh(b *testing.B) {
	a := benchApp(b)
	for _, rc := range refreshCases {
		r, res := rc.request(b, a)
		target := rc.target
		if target == "" {
			target = res.Form
		}
		component := func() templ.Component {
			c, err := rc.page(a)(httptest.NewRecorder(), r, res)
			if err != nil {
				b.Fatal(err)
			}
			return c
		}
		renderPage := func(buf *bytes.Buffer) {
			if err := component().Render(r.Context(), buf); err != nil {
				b.Fatal(err)
			}
		}
		renderFragment := func(buf *bytes.Buffer) {
			if err := templ.RenderFragments(views.WithOutOfBand(r.Context()), buf, component(), target, views.NoticeID); err != nil {
				b.Fatal(err)
			}
		}
		var page, frag bytes.Buffer
		renderPage(&page)
		renderFragment(&frag)
		regions := frag.Len()
		for _, start := range rc.regions {
			regions += len(element(b, page.String(), start))
		}
		b.Run(rc.name+"/fragment", func(b *testing.B) {
			measure(b, frag.Bytes(), renderFragment)
			b.ReportMetric(float64(regions), "regionsB/resp")
		})
		b.Run(rc.name+"/page", func(b *testing.B) {
			measure(b, page.Bytes(), renderPage)
		})
	}
}

func measure(b *testing.B, body []byte, render func(*bytes.Buffer)) {
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		render(&buf)
	}
	b.ReportMetric(float64(len(body)), "B/resp")
	b.ReportMetric(float64(gzipped(body)), "gzB/resp")
}

// request is the request of the page just after the case's action
// succeeded, signed in as the admin, and the action's result.
func (rc refreshCase) request(b *testing.B, a *App) (*http.Request, *actions.Result) {
	u, _, err := a.store.UserByEmail(context.Background(), AdminEmail)
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, rc.path, nil)
	r.SetPathValue("id", rc.id)
	r = r.WithContext(views.WithPath(actions.WithPrincipal(r.Context(), u), rc.path))
	h := rc.form(a)
	return r, &actions.Result{Action: h.Name(), ID: h.ID(), Form: views.DOMID(h, ""), Status: actions.StatusOK, Message: "Saved."}
}

// element is the element of html that begins with start, through its end
// tag; the cases' elements hold no element of their own kind.
func element(b *testing.B, html, start string) string {
	i := strings.Index(html, start)
	tag := strings.Fields(strings.TrimPrefix(start, "<"))[0]
	tag = strings.TrimSuffix(tag, ">")
	j := strings.Index(html[max(i, 0):], "</"+tag+">")
	if i < 0 || j < 0 {
		b.Fatalf("no %s in the page", start)
	}
	return html[i : i+j+len("</"+tag+">")]
}

func gzipped(body []byte) int {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(body)
	zw.Close()
	return buf.Len()
}

func benchApp(b *testing.B) *App {
	db, err := OpenDB(b.Context(), filepath.Join(b.TempDir(), "invoices.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	a, err := New(Config{DB: db, Secret: []byte(strings.Repeat("s", 32)), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return a
}
