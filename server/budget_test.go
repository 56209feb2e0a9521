package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

type Paste struct {
	Text string `form:"text" json:"text"`
}

// The bodies of calls in flight share one budget: a call that cannot get
// its share in time is 503 with Retry-After, its body unread and its
// action never run, while a call that fits goes on; once the budget frees
// up, the refused call goes through.
func TestBodyBudget(t *testing.T) {
	var ran atomic.Int32
	paste := actions.New("paste.add", func(ctx context.Context, in Paste) (int, error) {
		ran.Add(1)
		return len(in.Text), nil
	}, actions.Public())
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(paste); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: discard, BodyBudget: 2 << 20, BodyWait: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// The slow call's first read of its body tells that it holds its
	// share: the server reserves it before reading.
	holding := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Slow") != "" {
			r.Body = &firstRead{ReadCloser: r.Body, done: holding}
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	body := func(n int) string { return "text=" + strings.Repeat("x", n-len("text=")) }
	send := func(r io.Reader, n int64, header ...string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(t.Context(), "POST", ts.URL+server.ActionsPath+paste.ID(), r)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		req.ContentLength = n
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		return ts.Client().Do(req)
	}

	// A slow 600 KB body holds its share while it trickles in.
	slowBody := body(600 << 10)
	pr, pw := io.Pipe()
	slow := make(chan *http.Response, 1)
	go func() {
		resp, err := send(pr, int64(len(slowBody)), "X-Slow", "1")
		if err != nil {
			t.Error(err)
		}
		slow <- resp
	}()
	pw.Write([]byte(slowBody[:1024]))

	<-holding
	// Another 600 KB does not fit beside it: 503, its action not run.
	resp, err := send(strings.NewReader(body(600<<10)), 600<<10)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" || ran.Load() != 0 {
		t.Fatalf("beyond the budget: %d, Retry-After %q, ran %d", resp.StatusCode, resp.Header.Get("Retry-After"), ran.Load())
	}
	// A small body fits.
	resp, err = send(strings.NewReader(body(100)), 100)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || ran.Load() != 1 {
		t.Fatalf("a small body: %d, ran %d", resp.StatusCode, ran.Load())
	}
	// The slow body ends; the budget frees up.
	pw.Write([]byte(slowBody[1024:]))
	pw.Close()
	if resp := <-slow; resp == nil || resp.StatusCode != 200 {
		t.Fatalf("the slow body: %v", resp)
	}
	resp, err = send(strings.NewReader(body(600<<10)), 600<<10)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || ran.Load() != 3 {
		t.Fatalf("after the budget freed up: %d, ran %d", resp.StatusCode, ran.Load())
	}
}

// firstRead closes done at the first Read.
type firstRead struct {
	io.ReadCloser
	done chan struct{}
	once bool
}

func (f *firstRead) Read(p []byte) (int, error) {
	if !f.once {
		f.once = true
		close(f.done)
	}
	return f.ReadCloser.Read(p)
}

// A budget configuration that makes no sense fails at start-up.
func TestBodyBudgetConfig(t *testing.T) {
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.New(server.Config{Actions: reg, BodyWait: -time.Second}); err == nil {
		t.Fatal("a negative BodyWait is accepted")
	}
}
