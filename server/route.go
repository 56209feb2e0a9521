package server

import (
	"net/http"
	"slices"
	"strings"
)

// A HandlerFunc serves one method of a [Route]. An error it returns, when
// it has written nothing, is answered as a problem (RFC 9457): its kind
// (see [actions.Error]) picks the status from the one table every formwork
// answer uses, and an internal error shows only a digest in production.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// A Route is a route handler for everything that is not a form on one of
// the app's pages: a webhook, public JSON, a mobile client, a stream. It
// holds one handler per method, and answers the rest itself:
//
//   - HEAD is GET's answer without its body (same status and headers);
//   - OPTIONS is 204 with Allow;
//   - any other method is 405 with a sorted Allow.
//
// A Route is an [http.Handler]: it mounts in any router.
type Route struct {
	s       *Server
	methods map[string]HandlerFunc
	allow   string // sorted, HEAD and OPTIONS included
	// exempt routes take unsafe requests from any origin: a webhook's
	// sender is a server, and its signature is its proof.
	exempt bool
}

// exemptCrossOrigin lets unsafe requests from any origin reach rt.
func (rt *Route) exemptCrossOrigin() *Route {
	rt.exempt = true
	return rt
}

// Route returns an empty route of the server's; add its methods with
// [Route.Get], [Route.Post] and the others, then mount it with
// [Server.Handle] or in any router.
func (s *Server) Route() *Route { return &Route{s: s, methods: map[string]HandlerFunc{}} }

// Get sets the handler of GET, and so of HEAD.
func (rt *Route) Get(h HandlerFunc) *Route { return rt.Method(http.MethodGet, h) }

// Post sets the handler of POST.
func (rt *Route) Post(h HandlerFunc) *Route { return rt.Method(http.MethodPost, h) }

// Put sets the handler of PUT.
func (rt *Route) Put(h HandlerFunc) *Route { return rt.Method(http.MethodPut, h) }

// Patch sets the handler of PATCH.
func (rt *Route) Patch(h HandlerFunc) *Route { return rt.Method(http.MethodPatch, h) }

// Delete sets the handler of DELETE.
func (rt *Route) Delete(h HandlerFunc) *Route { return rt.Method(http.MethodDelete, h) }

// Method sets the handler of method, such as "PROPFIND". HEAD and OPTIONS
// are the route's own: setting them panics, as does a second handler for
// one method.
func (rt *Route) Method(method string, h HandlerFunc) *Route {
	method = strings.ToUpper(method)
	switch {
	case method == http.MethodHead || method == http.MethodOptions:
		panic("server: a Route answers " + method + " itself")
	case rt.methods[method] != nil:
		panic("server: a Route has two handlers for " + method)
	}
	rt.methods[method] = h
	rt.allow = allowOf(rt.methods)
	return rt
}

// allowOf is the Allow header of a route with handlers for methods.
func allowOf(methods map[string]HandlerFunc) string {
	all := []string{http.MethodOptions}
	for m := range methods {
		all = append(all, m)
	}
	if methods[http.MethodGet] != nil {
		all = append(all, http.MethodHead)
	}
	slices.Sort(all)
	return strings.Join(all, ", ")
}

// ServeHTTP serves r with the handler of its method.
func (rt *Route) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	noteRoute(w, r)
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet // net/http sends no body for HEAD
	}
	h := rt.methods[method]
	switch {
	case r.Method == http.MethodOptions:
		w.Header().Set("Allow", rt.allow)
		w.WriteHeader(http.StatusNoContent)
	case h == nil:
		w.Header().Set("Allow", rt.allow)
		writeProblem(w, methodNotAllowedProblem(r.Method))
	default:
		cw := &committed{ResponseWriter: w}
		if err := h(cw, r); err != nil {
			rt.s.routeFailed(cw, r, err)
		}
	}
}
