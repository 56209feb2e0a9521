package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/server"
)

// TestRunDrainsInFlightRequests stops the server while a request is being
// served: the request finishes, new connections are refused, Run returns.
func TestRunDrainsInFlightRequests(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.NewHTTPServer(ln.Addr().String(), h)
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.IdleTimeout == 0 {
		t.Fatalf("timeouts not set: %+v", srv)
	}
	// Shutdown closes the listeners before it runs the OnShutdown hooks:
	// the hook is the signal that no new connection can be accepted.
	shuttingDown := make(chan struct{})
	srv.RegisterOnShutdown(func() { close(shuttingDown) })
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, srv, ln) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-started
	stop() // as SIGTERM would, through signal.NotifyContext
	<-shuttingDown
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Fatal("the server still accepts connections while shutting down")
	}
	close(release)
	if s := <-got; s != "finished" {
		t.Fatalf("the request in flight got %q", s)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestSlowHeadersAreCut checks ReadHeaderTimeout is in force: a client that
// trickles its headers is disconnected.
func TestSlowHeadersAreCut(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := server.NewHTTPServer("", http.NotFoundHandler())
	srv.ReadHeaderTimeout = 200 * time.Millisecond
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	go server.Run(ctx, srv, ln)
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	start := time.Now()
	b, _ := io.ReadAll(c)
	if time.Since(start) > 2*time.Second {
		t.Fatalf("the connection stayed open; read %q", b)
	}
}
