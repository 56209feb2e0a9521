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
