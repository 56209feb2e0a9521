package server

import (
	"fmt"
	"net/http"

	"github.com/formwork-dev/formwork/actions"
)

// Authenticate is middleware that puts the principal of each request, as
// Config.Authenticate finds it, in the request's context for policies and
// pages to read with [actions.PrincipalFrom]. A failing Authenticate is an
// internal error. With no Config.Authenticate it passes requests through.
func (s *Server) Authenticate(next http.Handler) http.Handler {
	if s.cfg.Authenticate == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.cfg.Authenticate(r)
		if err != nil {
			s.fail(w, r, fmt.Errorf("authenticate: %w", err))
			return
		}
		if p != nil {
			r = r.WithContext(actions.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// principalNow returns r with the principal as Config.Authenticate finds it
// now, after a mutation that may have changed it (a new name, a role, an
// account gone), so that the page rendered after an action shows no stale
// principal either. Without Config.Authenticate, or when it fails, r is
// returned as it is: the mutation has succeeded, and the page renders.
func (s *Server) principalNow(r *http.Request) *http.Request {
	if s.cfg.Authenticate == nil {
		return r
	}
	p, err := s.cfg.Authenticate(r)
	if err != nil {
		s.log.ErrorContext(r.Context(), "authenticate after an action", "err", err)
		return r
	}
	return r.WithContext(actions.WithPrincipal(r.Context(), p))
}
