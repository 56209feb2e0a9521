package server

import (
	"errors"
	"net/http"

	"github.com/formwork-dev/formwork/actions"
)

// errNullOrigin refuses an unsafe request from an opaque origin (a
// sandboxed frame, a data: URL), which CrossOriginProtection lets through.
var errNullOrigin = errors.New("cross-origin request from an opaque origin (Origin: null)")

// CheckCrossOrigin reports whether r may run: it returns an error for an
// unsafe request (not GET, HEAD or OPTIONS) from another origin, as
// [http.CrossOriginProtection] judges it from Fetch Metadata and Origin
// with the server's trusted origins, and for one whose Origin is "null".
func (s *Server) CheckCrossOrigin(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if r.Header.Get("Origin") == "null" {
		return errNullOrigin
	}
	return s.cop.Check(r)
}

// CrossOrigin is middleware that refuses what [Server.CheckCrossOrigin]
// refuses with 403, before the handler (and authentication) runs. It
// defers to a [Route] mounted with [Server.Handle], which decides itself,
// with its CORS origins and webhook exemption; mounted in another router,
// such a route belongs outside this middleware.
func (s *Server) CrossOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.CheckCrossOrigin(r); err != nil && !s.routeDecides(r) {
			s.denyCrossOrigin(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// routeDecides reports whether r goes to a Route mounted with Handle.
func (s *Server) routeDecides(r *http.Request) bool {
	_, pattern := s.mux.Handler(r)
	_, ok := s.routes.Load(pattern)
	return ok
}

// crossOriginError is the 403 of a refused cross-origin request.
func crossOriginError(err error) error {
	return &actions.Error{Kind: actions.KindForbidden, Message: "Cross-origin request refused.", Err: err}
}

func (s *Server) denyCrossOrigin(w http.ResponseWriter, r *http.Request, err error) {
	res := actions.ErrorResult(crossOriginError(err))
	s.note(w, res)
	if info := infoOf(w); info != nil {
		info.outcome = "cross_origin"
	}
	s.respond(w, r, res, nil)
}
