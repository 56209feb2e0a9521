package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

// startRedis starts Debian's redis-server on a free loopback port, keeping
// nothing on disk, and returns its URL once it answers.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server is missing: run `make setup`, which installs Debian's redis-server package")
	}
	dir, port := t.TempDir(), freePort(t)
	serve(t, exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--dir", dir,
		"--save", "", "--appendonly", "no", "--logfile", filepath.Join(dir, "redis.log")))
	u := "redis://127.0.0.1:" + port + "/0"
	opts, _ := redis.ParseURL(u)
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); rdb.Ping(t.Context()).Err() != nil; {
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond) // a real server starting
	}
	return u
}

// instance starts one instance of the demo on the SQLite file at path,
// sharing what instances share on the Redis server at redisURL.
func instance(t *testing.T, path, redisURL string) *demo {
	t.Helper()
	db, err := app.OpenDB(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := app.Config{DB: db, Secret: []byte(strings.Repeat("s", 32)), Logger: discardLogger()}
	closeRedis, err := app.OnRedis(t.Context(), &cfg, redisURL)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := &demo{app: a, db: db, ts: httptest.NewServer(a.Handler())}
	t.Cleanup(func() { d.ts.Close(); a.Close(); closeRedis() })
	return d
}

// Two instances on one database and one Redis act as one app, with
// JavaScript off: a form rendered by one is accepted by the other; an
// edit on one shows on its page after the 303 and on the other's next
// request, through caches that both had warmed; a one-time form runs once
// whichever instance gets it; and a sign-out on one ends the session on
// both.
func TestInstancesActAsOne(t *testing.T) {
	redisURL := startRedis(t)
	path := filepath.Join(t.TempDir(), "invoices.db")
	a, b := instance(t, path, redisURL), instance(t, path, redisURL)
	cookie, _ := a.login(t, app.AdminEmail, app.AdminPassword)
	for name, d := range map[string]*demo{"A": a, "B": b} {
		if resp, body := d.get(t, "/", cookie); resp.StatusCode != 200 || !strings.Contains(body, "Acme Corp") {
			t.Fatalf("dashboard on %s: %d", name, resp.StatusCode)
		}
	}

	// The edit form, rendered by B, sent to A.
	form := b.form(t, "invoice.edit", url.Values{"id": {"1"}, "version": {"1"}, "was": {""}})
	for k, v := range map[string]string{"invoice.project_id": "1", "invoice.customer": "Acme Holdings",
		"invoice.email": "billing@acme.example", "invoice.amount": "4,200.00", "invoice.due": "2026-12-07"} {
		form.Set(k, v)
	}
	resp := a.post(t, "/invoices/1", cookie, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit on A: %d", resp.StatusCode)
	}
	if _, body := a.get(t, resp.Header.Get("Location"), cookie); !strings.Contains(body, `value="Acme Holdings"`) {
		t.Error("the page after the 303 does not show the new customer")
	}
	for name, d := range map[string]*demo{"A": a, "B": b} {
		if _, body := d.get(t, "/", cookie); !strings.Contains(body, "Acme Holdings") {
			t.Errorf("the dashboard on %s still shows the old customer", name)
		}
	}

	// A one-time comment form sent to both runs once.
	comment := b.form(t, "invoice.comment", url.Values{"invoice_id": {"1"}})
	comment.Set("body", "Sent twice, kept once.")
	for _, d := range []*demo{a, b} {
		if resp := d.post(t, "/invoices/1", cookie, comment); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment: %d", resp.StatusCode)
		}
	}
	_, page := b.get(t, "/invoices/1", cookie)
	if n := strings.Count(page, "Sent twice, kept once."); n != 1 {
		t.Errorf("the comment shows %d times", n)
	}

	// Sign out on B; A knows.
	if resp := b.post(t, "/login", cookie, b.form(t, "auth.logout", nil)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out on B: %d", resp.StatusCode)
	}
	if resp, _ := a.get(t, "/", cookie); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("A after the sign-out on B: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// In dev mode a page says how each of its cached reads was answered, and a
// write revalidates what it changed, so the page after it reads afresh.
func TestDevShowsCacheReads(t *testing.T) {
	d := startDemo(t, false, func(c *app.Config) { c.Dev = true })
	cookie, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	reads := func() string {
		t.Helper()
		_, body := d.get(t, "/", cookie)
		i := strings.Index(body, `class="dev-reads`)
		if i < 0 {
			t.Fatal("the dev page shows no cache reads")
		}
		footer := body[i:]
		footer = footer[:strings.Index(footer, "</footer>")]
		var out []string
		for _, name := range []string{"projects", "invoices"} {
			for _, st := range []string{"HIT", "MISS", "STALE"} {
				if strings.Contains(footer, name+" "+st) {
					out = append(out, name+" "+st)
				}
			}
		}
		return strings.Join(out, ", ")
	}
	for i, want := range []string{"projects MISS, invoices MISS", "projects HIT, invoices HIT"} {
		if got := reads(); got != want {
			t.Errorf("visit %d: %q, want %q", i+1, got, want)
		}
	}
	archive := d.form(t, "project.archive", url.Values{"project_id": {"3"}})
	if resp := d.post(t, "/", cookie, archive); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d", resp.StatusCode)
	}
	if got := reads(); got != "projects MISS, invoices HIT" {
		t.Errorf("after archiving a project: %q", got)
	}
}
