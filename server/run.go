package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// NewHTTPServer returns an http.Server for h on addr with timeouts that a
// public server needs: a slow client cannot hold a connection open by
// trickling headers or a body.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// ShutdownTimeout is how long [Run] lets requests in flight finish.
const ShutdownTimeout = 20 * time.Second

// Run serves srv on ln until ctx is done, then shuts down gracefully: it
// stops accepting, lets requests in flight finish (up to
// [ShutdownTimeout]), and returns. Pass a context from
// signal.NotifyContext to stop on SIGINT and SIGTERM.
func Run(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
