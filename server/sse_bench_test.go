package server_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// BenchmarkSSEStreams measures the memory that an open, idle event stream
// costs the server: heap in use plus goroutine stacks (HeapInuse +
// StackInuse after a GC), with 1 000 streams open over loopback at once.
//
// Client and server share the process, so one total holds both sides'
// costs. The client's side is measured alone first, with the same
// http.Client streaming from a raw TCP server that writes the response
// header once it has read the request's, and holds each connection in
// its ~200 heap bytes, with no goroutine and no buffers. Then the same streams are
// opened to a hand-written net/http SSE handler (the baseline) and to
// formwork (a Server's middleware, a Route, Events and Relay). Reported:
//
//   - client-B/stream: the client's side, subtracted from the two below;
//   - handwritten-B/stream and formwork-B/stream: the server's side, for
//     net/http alone and for formwork (target: formwork ≤ 32 KB);
//   - ratio: formwork over hand-written;
//   - leftover-goroutines and leftover-B: what formwork's streams left
//     behind once the clients closed them and the server noticed: no
//     goroutine, and tens to a few hundred KB in all that the runtime
//     keeps cached (stack spans, spans half filled by what outlived the
//     streams), under 0.5 KB a stream.
//
// Kernel socket buffers are not Go memory and are not counted. Each
// stream takes two file descriptors; Go raises the soft limit on open
// files to the hard limit at start (Go 1.19), so 2 000 fit wherever the
// hard limit allows.
func BenchmarkSSEStreams(b *testing.B) {
	const n = 1000
	raw := newRawEventServer(b)
	bare := httptest.NewServer(http.HandlerFunc(handwrittenEvents))
	b.Cleanup(bare.Close)
	fw := httptest.NewServer(formworkEvents(b))
	b.Cleanup(fw.Close)

	// A first round grows what the runtime keeps for good (a descriptor
	// per goroutine that ever ran, stack caches), so that no measured
	// round pays for it.
	openStreams(b, fw.URL, n, nil)

	var client, hand, ours, leftB, leftG float64
	for b.Loop() {
		c := openStreams(b, raw.url, n, raw.closeConns)
		h := openStreams(b, bare.URL, n, nil)
		o := openStreams(b, fw.URL, n, nil)
		client += c.perStream
		hand += h.perStream - c.perStream
		ours += o.perStream - c.perStream
		leftB += o.leftover
		leftG += float64(o.leftGoroutines)
	}
	iters := float64(b.N)
	b.ReportMetric(client/iters, "client-B/stream")
	b.ReportMetric(hand/iters, "handwritten-B/stream")
	b.ReportMetric(ours/iters, "formwork-B/stream")
	b.ReportMetric(ours/hand, "ratio")
	b.ReportMetric(leftG/iters, "leftover-goroutines")
	b.ReportMetric(leftB/iters, "leftover-B")
}

// streamsCost is what n open streams cost, per stream, and what they left
// behind once closed.
type streamsCost struct {
	perStream      float64
	leftover       float64
	leftGoroutines int
}

// openStreams opens n event streams to url and measures them open, then
// closes them, runs closed (when not nil), and waits up to 10 s for the
// goroutines to fall back to where they were.
func openStreams(b *testing.B, url string, n int, closed func()) streamsCost {
	tr := &http.Transport{}
	c := &http.Client{Transport: tr}
	goroutines, before := runtime.NumGoroutine(), inUse()
	streams := make([]io.Closer, 0, n)
	for range n {
		resp, err := c.Get(url + "/events")
		if err != nil {
			b.Fatalf("stream %d of %d: %v", len(streams)+1, n, err)
		}
		streams = append(streams, resp.Body)
	}
	open := inUse()
	for _, s := range streams {
		s.Close()
	}
	tr.CloseIdleConnections()
	if closed != nil {
		closed()
	}
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > goroutines; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d goroutines 10 s after the streams closed, %d before", runtime.NumGoroutine(), goroutines)
		}
	}
	streams = nil
	return streamsCost{perStream: (open - before) / float64(n), leftover: inUse() - before,
		leftGoroutines: runtime.NumGoroutine() - goroutines}
}

// inUse returns the bytes of heap spans and goroutine stacks in use, after
// two collections (the second empties the sync.Pools that net/http keeps
// its buffers in).
func inUse() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse + m.StackInuse)
}

// formworkEvents is a server with an idle event stream at /events, behind
// all of its middleware.
func formworkEvents(b *testing.B) http.Handler {
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: discard})
	if err != nil {
		b.Fatal(err)
	}
	srv.Handle("/events", srv.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
		stream, err := server.Events(w, r)
		if err != nil {
			return err
		}
		return stream.Relay(nil) // no events: idle until the client leaves
	}))
	return srv
}

// handwrittenEvents is the same idle stream written with net/http alone:
// the headers flushed, then a heartbeat every 15 s until the client
// leaves.
func handwrittenEvents(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	t := time.NewTimer(15 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
			t.Reset(15 * time.Second)
		}
	}
}

// rawEventServer answers each connection with the headers of an event
// stream, and then holds it: a server that costs next to nothing, so that
// streams to it measure the client's side.
type rawEventServer struct {
	url   string
	mu    sync.Mutex
	conns []net.Conn
}

func newRawEventServer(b *testing.B) *rawEventServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := &rawEventServer{url: "http://" + ln.Addr().String()}
	go s.serve(ln)
	b.Cleanup(func() { ln.Close(); s.closeConns() })
	return s
}

func (s *rawEventServer) serve(ln net.Listener) {
	const head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		if readRequestHead(c) != nil {
			c.Close()
			continue
		}
		io.WriteString(c, head)
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
	}
}

// readRequestHead reads c up to the blank line that ends a request's
// header, which the client sends before it reads an answer.
func readRequestHead(c net.Conn) error {
	var buf [1024]byte
	for n := 0; ; {
		m, err := c.Read(buf[n:])
		if err != nil {
			return err
		}
		if n += m; bytes.Contains(buf[:n], []byte("\r\n\r\n")) {
			return nil
		}
		if n == len(buf) {
			return errors.New("request header too long")
		}
	}
}

func (s *rawEventServer) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}
