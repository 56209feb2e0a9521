package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// records is a slog handler that hands each record to a test.
type records chan slog.Record

func (c records) Enabled(context.Context, slog.Level) bool      { return true }
func (c records) Handle(_ context.Context, r slog.Record) error { c <- r; return nil }
func (c records) WithAttrs([]slog.Attr) slog.Handler            { return c }
func (c records) WithGroup(string) slog.Handler                 { return c }

// next waits for the next record.
func (c records) next(t *testing.T) (slog.Level, map[string]string) {
	t.Helper()
	select {
	case r := <-c:
		attrs := map[string]string{}
		r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
		return r.Level, attrs
	case <-time.After(10 * time.Second):
		t.Fatal("no log record")
	}
	return 0, nil
}

// clientGoneServer serves the notes app's save action on a page, and a
// page whose render waits for its request's context to end, with request
// logs sent to the returned channel.
func clientGoneServer(t *testing.T, readTimeout time.Duration) (*httptest.Server, *app, records) {
	a := newApp(t, false)
	logs := make(records, 16)
	srv, err := server.New(server.Config{Actions: a.reg, Logger: slog.New(logs),
		Authenticate: func(*http.Request) (actions.Principal, error) { return member{"ann", "member"}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	srv.Page("/notes", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return notesPage(a, res), nil
	})
	srv.Page("/slow", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		<-r.Context().Done() // a query that the canceled request cuts short
		return nil, fmt.Errorf("load the slow page: %w", r.Context().Err())
	})
	srv.Page("/panicky", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		<-r.Context().Done()
		panic("a bug, whoever is waiting")
	})
	ts := httptest.NewUnstartedServer(srv)
	ts.Config.ReadTimeout = readTimeout
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, a, logs
}

// postShort sends a form POST whose Content-Length promises more than the
// body it sends, then runs stop (which closes or stalls the connection) and
// returns the status line and body of what comes back.
func postShort(t *testing.T, ts *httptest.Server, a *app, accept string, stop func(*net.TCPConn)) string {
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	body := "_action=" + a.save.ID() + "&title=half"
	fmt.Fprintf(c, "POST /notes HTTP/1.1\r\nHost: %s\r\nAccept: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		ts.Listener.Addr(), accept, len(body)+1000, body)
	stop(c.(*net.TCPConn))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Status + "\n" + string(b)
}

// A client that goes away, or whose body stops short, is answered 400
// where an answer can still be written, and logged at INFO as
// client_gone with no digest: it is not our failure.
func TestClientGone(t *testing.T) {
	closeWrite := func(c *net.TCPConn) { c.CloseWrite() }
	stall := func(*net.TCPConn) {}
	for name, tc := range map[string]struct {
		readTimeout time.Duration
		accept      string
		stop        func(*net.TCPConn)
	}{
		"browser, body shorter than Content-Length": {time.Minute, "text/html", closeWrite},
		"browser, body stalls until ReadTimeout":    {300 * time.Millisecond, "text/html", stall},
		"JSON, body shorter than Content-Length":    {time.Minute, "application/json", closeWrite},
		"JSON, body stalls until ReadTimeout":       {300 * time.Millisecond, "application/json", stall},
	} {
		t.Run(name, func(t *testing.T) {
			ts, a, logs := clientGoneServer(t, tc.readTimeout)
			got := postShort(t, ts, a, tc.accept, tc.stop)
			want := "ended before it was complete"
			if tc.accept == "application/json" {
				want = `"kind":"client_gone"`
			}
			if !strings.HasPrefix(got, "400 ") || !strings.Contains(got, want) || strings.Contains(got, "digest") {
				t.Errorf("response:\n%s", got)
			}
			if a.ran.Load() != 0 {
				t.Error("the action ran on half a body")
			}
			level, attrs := logs.next(t)
			if level != slog.LevelInfo || attrs["outcome"] != "client_gone" || attrs["digest"] != "" || attrs["status"] != "400" {
				t.Errorf("log: %v %v", level, attrs)
			}
		})
	}
	for name, tc := range map[string]struct {
		request string
		level   slog.Level
		outcome string
		digest  bool
	}{
		"gone while the page renders":    {"GET /slow HTTP/1.1\r\n", slog.LevelInfo, "client_gone", false},
		"a mutation outlives its client": {"POST /_actions/{slow} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n", slog.LevelInfo, "ok", false},
		"a panic after the client left":  {"GET /panicky HTTP/1.1\r\n", slog.LevelError, "internal", true},
	} {
		t.Run(name, func(t *testing.T) {
			ts, a, logs := clientGoneServer(t, time.Minute)
			// The mutation waits for its client to go, then writes: it runs
			// to its end, never stopped half-written by the cancellation.
			var wrote atomic.Bool
			slow := actions.New("slow.save", func(ctx context.Context, in struct{}) (struct{}, error) {
				<-actions.RequestFrom(ctx).Context().Done()
				if ctx.Err() != nil {
					return in, fmt.Errorf("write the note: %w", ctx.Err())
				}
				wrote.Store(true)
				return in, nil
			}, actions.Public())
			t.Cleanup(func() {
				if strings.Contains(name, "mutation") && !wrote.Load() {
					t.Error("the mutation did not run to its end")
				}
			})
			if err := a.reg.Register(slow); err != nil {
				t.Fatal(err)
			}
			c, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			req := strings.Replace(tc.request, "{slow}", slow.ID(), 1)
			fmt.Fprintf(c, "%sHost: %s\r\n\r\n", req, ts.Listener.Addr())
			if strings.HasPrefix(req, "POST") {
				io.WriteString(c, "{}")
			}
			c.Close()
			level, attrs := logs.next(t)
			if level != tc.level || attrs["outcome"] != tc.outcome || (attrs["digest"] != "") != tc.digest {
				t.Errorf("log: %v %v", level, attrs)
			}
		})
	}
}
