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

// The bodies of calls in flight share one budget, charged as they are
// read: a slow body holds what it sent so far; a call whose body cannot get
// its charge in time is 503 with Retry-After, its action never run, while
// a call that fits goes on; once the budget frees up, the refused call
// goes through.
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
	srv, err := server.New(server.Config{Actions: reg, Logger: discard, BodyBudget: 1536 << 10, BodyWait: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// The slow call's read past its first 400 KB tells that it holds
	// twice that, 800 KB of the budget, and a read's charge beside.
	holding := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Slow") != "" {
			r.Body = &readPast{ReadCloser: r.Body, n: 400 << 10, done: holding}
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
	status := func(n int) int {
		resp, err := send(strings.NewReader(body(n)), int64(n))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 503 && resp.Header.Get("Retry-After") != "1" {
			t.Errorf("a 503 without Retry-After: 1: %v", resp.Header)
		}
		return resp.StatusCode
	}

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
	go pw.Write([]byte(slowBody[:(400<<10)+1024]))
	<-holding
	if got := status(400 << 10); got != 503 || ran.Load() != 0 {
		t.Fatalf("400 KB beside 400 KB read, in a budget of 1.5 MB: %d, ran %d", got, ran.Load())
	}
	if got := status(1 << 10); got != 200 || ran.Load() != 1 {
		t.Fatalf("a small body: %d, ran %d", got, ran.Load())
	}
	go func() { pw.Write([]byte(slowBody[(400<<10)+1024:])); pw.Close() }()
	if resp := <-slow; resp == nil || resp.StatusCode != 200 {
		t.Fatalf("the slow body: %v", resp)
	}
	if got := status(400 << 10); got != 200 || ran.Load() != 3 {
		t.Fatalf("after the budget freed up: %d, ran %d", got, ran.Load())
	}
}

// readPast closes done once n bytes have been read through it.
type readPast struct {
	io.ReadCloser
	n, read int
	done    chan struct{}
}

func (r *readPast) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if r.read < r.n && r.read+n >= r.n {
		close(r.done)
	}
	r.read += n
	return n, err
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
