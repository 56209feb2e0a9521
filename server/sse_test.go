package server_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// quiet sets a heartbeat that never comes within a test, so that every
// block read is an event.
func quiet(o *server.StreamOptions) { o.Heartbeat = time.Hour }

// relayRoute serves an event stream at /events that relays events.
func relayRoute(events <-chan server.Event, opts ...func(*server.StreamOptions)) func(s *server.Server) http.Handler {
	return func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			stream, err := server.Events(w, r, opts...)
			if err != nil {
				return err
			}
			return stream.Relay(events)
		})
	}
}

// openEvents sends GET url with header on c and returns the response, once
// its headers are in, and a reader of its body. The request ends when ctx
// does, or with the test.
func openEvents(t *testing.T, ctx context.Context, c *http.Client, url string, header http.Header) (*http.Response, *bufio.Reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp, bufio.NewReader(resp.Body)
}

// readBlock reads the stream up to and including the next blank line: one
// event, or one heartbeat comment.
func readBlock(t *testing.T, body *bufio.Reader) string {
	t.Helper()
	var b strings.Builder
	for {
		line, err := body.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			t.Fatalf("read the stream after %q: %v", b.String(), err)
		}
		if line == "\n" {
			return b.String()
		}
	}
}

// clientData is the data of the event in block as an EventSource sees it
// (WHATWG HTML 9.2.6): the data fields' values, one space after the colon
// dropped, joined by LF.
func clientData(block string) string {
	var data []string
	for line := range strings.Lines(block) {
		if v, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "data:"); ok {
			data = append(data, strings.TrimPrefix(v, " "))
		}
	}
	return strings.Join(data, "\n")
}

// An event stream opens at once with its headers, and each event reaches
// the client as it is sent, before the next is: the handler takes event
// n+1 from the unbuffered channel only after the client has read event n.
// Fields are encoded per WHATWG HTML 9.2.6, and every line break in Data
// starts a data line, so the client's data is Data with CRLF and CR as LF.
func TestEventsArriveOneByOne(t *testing.T) {
	events := make(chan server.Event)
	ts := newRouteServerAt(t, "/events", relayRoute(events, quiet))
	resp, body := openEvents(t, t.Context(), ts.Client(), ts.URL+"/events", nil)

	head := map[string]string{}
	for _, k := range []string{"Content-Type", "Cache-Control", "X-Accel-Buffering"} {
		head[k] = resp.Header.Get(k)
	}
	want := map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
	if resp.StatusCode != http.StatusOK || !cmp.Equal(head, want) {
		t.Fatalf("status %d, headers %v; want 200, %v", resp.StatusCode, head, want)
	}
	for _, tc := range []struct {
		name  string
		event server.Event
		wire  string
		data  string // event.data in the browser
	}{
		{"data alone", server.Event{Data: "hello"}, "data: hello\n\n", "hello"},
		{"every field", server.Event{ID: "7", Name: "invoice.paid", Data: "INV-7", Retry: 2500 * time.Millisecond},
			"id: 7\nevent: invoice.paid\nretry: 2500\ndata: INV-7\n\n", "INV-7"},
		{"LF, CRLF and CR all split data", server.Event{Data: "one\ntwo\r\nthree\rfour"},
			"data: one\ndata: two\ndata: three\ndata: four\n\n", "one\ntwo\nthree\nfour"},
		{"a final line break is kept", server.Event{Data: "line\n"}, "data: line\ndata: \n\n", "line\n"},
		{"empty data still fires", server.Event{Name: "tick"}, "event: tick\ndata: \n\n", ""},
		{"a leading space is kept", server.Event{Data: " indented"}, "data:  indented\n\n", " indented"},
		{"a colon in a value is data", server.Event{ID: "a:b", Data: "k: v"}, "id: a:b\ndata: k: v\n\n", "k: v"},
		{"retry rounds up to a millisecond", server.Event{Data: "r", Retry: 1500 * time.Microsecond}, "retry: 2\ndata: r\n\n", "r"},
	} {
		events <- tc.event
		got := readBlock(t, body)
		if got != tc.wire || clientData(got) != tc.data {
			t.Errorf("%s: sent %q, data %q; want %q, data %q", tc.name, got, clientData(got), tc.wire, tc.data)
		}
	}
}

// An idle stream carries a heartbeat comment, flushed, every Heartbeat;
// an event still comes through between them.
func TestEventsHeartbeat(t *testing.T) {
	events := make(chan server.Event)
	ts := newRouteServerAt(t, "/events", relayRoute(events, func(o *server.StreamOptions) { o.Heartbeat = 10 * time.Millisecond }))
	_, body := openEvents(t, t.Context(), ts.Client(), ts.URL+"/events", nil)
	for range 3 {
		if got := readBlock(t, body); got != ": ping\n\n" {
			t.Fatalf("idle stream sent %q, want a heartbeat", got)
		}
	}
	events <- server.Event{Data: "news"}
	got := readBlock(t, body)
	for got == ": ping\n\n" {
		got = readBlock(t, body)
	}
	if got != "data: news\n\n" {
		t.Errorf("sent %q, want the event", got)
	}
}

// The heartbeat comes after 15 idle seconds by default, and an event
// starts the wait again. (testing/synctest's clock: no real waiting.)
func TestEventsHeartbeatInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, leave := context.WithCancel(t.Context())
		w := &lockedRecorder{rec: httptest.NewRecorder()}
		events := make(chan server.Event)
		done := make(chan error)
		go func() {
			stream, err := server.Events(w, httptest.NewRequestWithContext(ctx, "GET", "/events", nil))
			if err == nil {
				err = stream.Relay(events)
			}
			done <- err
		}()
		sent := func(after time.Duration, want string) {
			t.Helper()
			time.Sleep(after)
			synctest.Wait()
			if got := w.body(); got != want {
				t.Fatalf("at %v sent %q, want %q", after, got, want)
			}
		}
		sent(0, "")
		sent(15*time.Second-time.Nanosecond, "")
		sent(time.Nanosecond, ": ping\n\n")
		time.Sleep(5 * time.Second)
		events <- server.Event{Data: "news"}
		sent(15*time.Second-time.Nanosecond, ": ping\n\ndata: news\n\n")
		sent(time.Nanosecond, ": ping\n\ndata: news\n\n: ping\n\n")
		leave()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Relay after the client left = %v, want context.Canceled", err)
		}
	})
}

// lockedRecorder is an httptest.ResponseRecorder that a test reads while
// a handler writes to it.
type lockedRecorder struct {
	mu  sync.Mutex
	rec *httptest.ResponseRecorder
}

func (w *lockedRecorder) Header() http.Header { return w.rec.Header() }

func (w *lockedRecorder) WriteHeader(status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rec.WriteHeader(status)
}

func (w *lockedRecorder) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rec.Write(b)
}

func (w *lockedRecorder) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rec.Flush()
}

func (w *lockedRecorder) body() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rec.Body.String()
}

// A reconnecting client's Last-Event-ID reaches the handler, which can
// send what the client missed.
func TestEventsLastEventID(t *testing.T) {
	ts := newRouteServerAt(t, "/events", func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			stream, err := server.Events(w, r, quiet)
			if err != nil {
				return err
			}
			return stream.Send(server.Event{Data: "after " + stream.LastEventID()})
		})
	})
	_, body := openEvents(t, t.Context(), ts.Client(), ts.URL+"/events", http.Header{"Last-Event-Id": {"42"}})
	if got := readBlock(t, body); got != "data: after 42\n\n" {
		t.Errorf("sent %q, want the ID the client sent", got)
	}
}

// An ID or a Name that would end its line, and so let whoever chose it
// write a field of their own, is refused: Send returns an error and writes
// nothing, and the stream goes on.
func TestEventsRefuseInjection(t *testing.T) {
	cases := []struct {
		name  string
		event server.Event
	}{
		{"LF in ID", server.Event{ID: "1\ndata: forged", Data: "x"}},
		{"CR in ID", server.Event{ID: "1\revent: forged", Data: "x"}},
		{"NUL in ID", server.Event{ID: "1\x00", Data: "x"}},
		{"CR in Name", server.Event{Name: "tick\rretry: 1", Data: "x"}},
		{"LF in Name", server.Event{Name: "tick\n", Data: "x"}},
	}
	errs := make(chan error)
	ts := newRouteServerAt(t, "/events", func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			stream, err := server.Events(w, r, quiet)
			if err != nil {
				return err
			}
			for _, tc := range cases {
				errs <- stream.Send(tc.event)
			}
			return stream.Send(server.Event{ID: "2", Data: "fine"})
		})
	})
	_, body := openEvents(t, t.Context(), ts.Client(), ts.URL+"/events", nil)
	for _, tc := range cases {
		if err := <-errs; err == nil {
			t.Errorf("%s: Send(%q) = nil, want an error", tc.name, tc.event)
		}
	}
	if got := readBlock(t, body); got != "id: 2\ndata: fine\n\n" {
		t.Errorf("sent %q, want only the valid event", got)
	}
}

// A client that leaves mid-stream ends the handler, whether it is sending
// in a loop of its own or waiting in Relay, and every goroutine of the
// stream, the server's and the client's, is gone after it.
func TestEventsClientLeaves(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler func(*server.EventStream) error
	}{
		{"sending in a loop", func(s *server.EventStream) error {
			for i := 0; ; i++ {
				if err := s.Send(server.Event{ID: strconv.Itoa(i), Data: "tick"}); err != nil {
					return err
				}
			}
		}},
		{"waiting in Relay", func(s *server.EventStream) error {
			return s.Relay(make(chan server.Event))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			ts := newRouteServerAt(t, "/events", func(s *server.Server) http.Handler {
				return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
					stream, err := server.Events(w, r, quiet)
					if err != nil {
						return err
					}
					err = tc.handler(stream)
					done <- err
					return err
				})
			})
			c := &http.Client{Transport: &http.Transport{}}
			baseline := runtime.NumGoroutine()
			ctx, leave := context.WithCancel(t.Context())
			_, body := openEvents(t, ctx, c, ts.URL+"/events", nil)
			if tc.name == "sending in a loop" {
				readBlock(t, body)
			}
			leave()
			select {
			case err := <-done:
				if err == nil {
					t.Error("the handler's stream ended with no error")
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the handler is still streaming 5 s after its client left")
			}
			waitGoroutines(t, baseline)
		})
	}
}

// waitGoroutines waits up to 5 s for the number of goroutines to fall to
// baseline.
func waitGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before the stream:\n%s", runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A client that stops reading cannot hold its stream forever: once the
// connection's buffers are full, a write that waits longer than
// WriteTimeout fails, and the handler ends.
func TestEventsStuckClient(t *testing.T) {
	done := make(chan error, 1)
	ts := newRouteServerAt(t, "/events", func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			stream, err := server.Events(w, r, quiet, func(o *server.StreamOptions) { o.WriteTimeout = 50 * time.Millisecond })
			if err != nil {
				return err
			}
			big := server.Event{Data: strings.Repeat("x", 64<<10)}
			for err == nil {
				err = stream.Send(big)
			}
			done <- err
			return err
		})
	})
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	io.WriteString(conn, "GET /events HTTP/1.1\r\nHost: example.com\r\n\r\n") // and never read
	select {
	case err := <-done:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("the stuck stream ended with %v, want a write timeout", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the handler still writes to a client that reads nothing, after 10 s")
	}
}

// A stream outlives the server's WriteTimeout: the deadline applies to
// each write, not to the response.
func TestEventsOutliveServerWriteTimeout(t *testing.T) {
	events := make(chan server.Event)
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/events", relayRoute(events, quiet)(srv))
	ts := httptest.NewUnstartedServer(srv)
	ts.Config.WriteTimeout = 50 * time.Millisecond
	ts.Start()
	t.Cleanup(ts.Close)
	_, body := openEvents(t, t.Context(), ts.Client(), ts.URL+"/events", nil)
	time.Sleep(100 * time.Millisecond) // the server's deadline passes
	events <- server.Event{Data: "late"}
	if got := readBlock(t, body); got != "data: late\n\n" {
		t.Errorf("sent %q after the server's WriteTimeout, want the event", got)
	}
}

// An error returned before the stream starts is answered as a problem; a
// client that leaves a started stream is logged on the request's line as
// client_gone, at INFO, with no error line: it is how a stream ends.
func TestEventsErrors(t *testing.T) {
	logs := make(records, 16)
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/feeds/{name}", srv.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
		if r.PathValue("name") != "invoices" {
			return actions.ErrNotFound
		}
		stream, err := server.Events(w, r, quiet)
		if err != nil {
			return err
		}
		return stream.Relay(nil)
	}))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	resp, _ := send(t, "GET", ts.URL+"/feeds/nothing", nil)
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("a refused stream answered %d %s, want a 404 problem", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	logs.next(t)

	ctx, leave := context.WithCancel(t.Context())
	openEvents(t, ctx, ts.Client(), ts.URL+"/feeds/invoices", nil)
	leave()
	level, attrs := logs.next(t)
	if level != slog.LevelInfo || attrs["outcome"] != "client_gone" || attrs["status"] != "200" {
		t.Errorf("a client that left a stream logged %v %v, want INFO client_gone on the request's line", level, attrs)
	}
}

// HEAD gets an event stream's headers alone, and Relay returns at once.
func TestEventsHead(t *testing.T) {
	done := make(chan error, 1)
	ts := newRouteServerAt(t, "/events", func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			stream, err := server.Events(w, r, quiet)
			if err == nil {
				err = stream.Relay(nil)
			}
			done <- err
			return err
		})
	})
	resp, body := send(t, "HEAD", ts.URL+"/events", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" || body != "" {
		t.Errorf("HEAD answered %d %q %q, want 200 text/event-stream with no body", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Relay on HEAD = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Relay on HEAD still waits after 5 s")
	}
}
