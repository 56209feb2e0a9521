package app_test

import (
	"bufio"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

// sseEvents reads events from an event stream until the "done" event, or
// until n token events when n > 0; it returns the token IDs and the text.
func sseEvents(t *testing.T, resp *http.Response, n int) (ids []string, text string) {
	t.Helper()
	sc := bufio.NewScanner(resp.Body)
	var id, name, data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			id = line[4:]
		case strings.HasPrefix(line, "event: "):
			name = line[7:]
		case strings.HasPrefix(line, "data: "):
			data = line[6:]
		case line == "":
			if name == "done" {
				return ids, text
			}
			ids, text = append(ids, id), text+data
			if n > 0 && len(ids) == n {
				return ids, text
			}
		}
	}
	t.Fatalf("the stream ended without done: %v", sc.Err())
	return nil, ""
}

// The summary streams as Server-Sent Events, token by token; a client that
// reconnects with Last-Event-ID gets the rest; a caller that does not ask
// for events gets the text; nobody gets nothing.
func TestSummaryStream(t *testing.T) {
	d := newDemo(t, false)
	member := d.token(t, app.MemberEmail, app.MemberPassword)
	get := func(headers ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", d.ts.URL+"/api/invoices/1/summary", nil)
		req.Header.Set("Authorization", "Bearer "+member)
		for i := 0; i < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	resp := get("Accept", "text/plain")
	var whole strings.Builder
	bufio.NewReader(resp.Body).WriteTo(&whole)
	if resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.HasPrefix(whole.String(), "INV-0001 bills Acme Corp") {
		t.Fatalf("as text: %q %q", resp.Header.Get("Content-Type"), whole.String())
	}

	resp = get("Accept", "text/event-stream")
	if resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("stream headers: %v", resp.Header)
	}
	ids, text := sseEvents(t, resp, 0)
	if text+"\n" != whole.String() || len(ids) < 20 || ids[0] != "0" {
		t.Fatalf("streamed %d tokens %q, want the text %q", len(ids), text, whole.String())
	}

	// Reconnect after the 10th token: the rest, from the 11th.
	resp = get("Accept", "text/event-stream", "Last-Event-ID", "9")
	rest, tail := sseEvents(t, resp, 0)
	if rest[0] != "10" || !strings.HasSuffix(text, tail) || len(rest) != len(ids)-10 {
		t.Errorf("resumed with %v %q", rest, tail)
	}

	req, _ := http.NewRequestWithContext(t.Context(), "GET", d.ts.URL+"/api/invoices/1/summary", nil)
	req.Header.Set("Accept", "text/event-stream")
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != 401 {
		t.Errorf("anonymous: %d, want 401", resp.StatusCode)
	}
}

// A client that leaves mid-stream frees the handler's goroutine.
func TestSummaryClientLeaves(t *testing.T) {
	d := newDemo(t, false)
	member := d.token(t, app.MemberEmail, app.MemberPassword)
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	for range 10 {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", d.ts.URL+"/api/invoices/1/summary", nil)
		req.Header.Set("Accept", "text/event-stream")
		req.Header.Set("Authorization", "Bearer "+member)
		tr := &http.Transport{}
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		sseEvents(t, resp, 3) // mid-stream
		resp.Body.Close()
		tr.CloseIdleConnections()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before the streams:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
