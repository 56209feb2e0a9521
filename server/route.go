package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/formwork-dev/formwork/actions"
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
//   - OPTIONS is 204 with Allow, and the CORS preflight when the route has
//     [Route.CORS];
//   - any other method is 405 with a sorted Allow.
//
// A request's body is capped at the route's limit ([Route.MaxBytes]) and
// charged to the server's body budget (Config.BodyBudget) before the
// handler runs. An unsafe request from another origin is refused with 403
// unless the route's CORS allows that origin, or the route is a webhook's
// ([Server.Webhook]); the route checks this itself, so it is safe in any
// router, and [Server.CrossOrigin] defers to the routes mounted with
// [Server.Handle].
//
// A Route is an [http.Handler]: it mounts in any router. Set it up before
// it serves.
type Route struct {
	s       *Server
	methods map[string]HandlerFunc
	allow   string      // sorted, HEAD and OPTIONS included
	limit   int64       // the body cap; 0 means the registry's
	cors    *cors       // nil: no cross-origin script may call it
	cache   *routeCache // nil: GET is never cached
	// exempt routes take unsafe requests from any origin: a webhook's
	// sender is a server, and its signature is its proof.
	exempt bool
}

// exemptCrossOrigin lets unsafe requests from any origin reach rt.
func (rt *Route) exemptCrossOrigin() *Route {
	rt.exempt = true
	return rt
}

// maxRouteBody is the largest body cap of a route, as of an action.
const maxRouteBody = 1 << 30

// MaxBytes caps the bodies of the route's requests at n bytes, counted as
// they stream, in place of the registry's default (1 MB unless configured;
// see [actions.Config]). A body over it is an error of kind
// [actions.KindTooLarge] (413) from its first read when its Content-Length
// says so, and otherwise from the read that passes the cap: a handler's
// policy runs first, so a caller it refuses learns nothing of the cap. It
// panics for a size outside 1 byte to 1 GB.
func (rt *Route) MaxBytes(n int64) *Route {
	if n <= 0 || n > maxRouteBody {
		panic("server: Route.MaxBytes wants a size from 1 byte to 1 GB")
	}
	rt.limit = n
	return rt
}

// CORS lets scripts on the origins of c call the route from a browser. It
// panics when c is not a valid configuration: no origin, a malformed one,
// or "*" with other origins or with credentials.
func (rt *Route) CORS(c CORS) *Route {
	compiled, err := c.compile()
	if err != nil {
		panic("server: Route.CORS: " + err.Error())
	}
	rt.cors = compiled
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
	if r.Method == http.MethodOptions {
		rt.options(w, r)
		return
	}
	if rt.cors != nil {
		rt.cors.answer(w.Header(), r.Header.Get("Origin"))
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet // net/http sends no body for HEAD
	}
	h := rt.methods[method]
	if h == nil {
		w.Header().Set("Allow", rt.allow)
		writeProblem(w, methodNotAllowedProblem(r.Method))
		return
	}
	if err := rt.checkCrossOrigin(r); err != nil {
		rt.s.problem(w, r, crossOriginError(err))
		if info := infoOf(w); info != nil {
			info.outcome = "cross_origin" // as the middleware's refusal says
		}
		return
	}
	release, err := rt.capBody(w, r)
	if err != nil {
		rt.s.problem(w, r, err)
		return
	}
	defer release()
	if rt.cache != nil && method == http.MethodGet {
		rt.serveCached(w, r, h)
		return
	}
	rt.serve(w, r, h)
}

// serve runs h for r, guarding its Cache-Control, and answers the error
// it returns.
func (rt *Route) serve(w http.ResponseWriter, r *http.Request, h HandlerFunc) {
	cw := &committed{ResponseWriter: w,
		signedIn: actions.PrincipalFrom(r.Context()) != nil || r.Header.Get("Authorization") != ""}
	if err := h(cw, r); err != nil {
		rt.s.routeFailed(cw, r, err)
	}
}

// options answers OPTIONS: 204 with Allow, and the CORS preflight.
func (rt *Route) options(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Allow", rt.allow)
	if rt.cors != nil && r.Header.Get("Access-Control-Request-Method") != "" {
		rt.cors.preflight(h, r, rt.allow)
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkCrossOrigin refuses an unsafe request from another origin, unless
// the route is exempt or its CORS admits the request.
func (rt *Route) checkCrossOrigin(r *http.Request) error {
	if rt.exempt || rt.cors != nil && rt.cors.admits(r, rt.allow) {
		return nil
	}
	return rt.s.CheckCrossOrigin(r)
}

// capBody charges the body budget for r's body and caps it at the route's
// limit. A Content-Length over the limit fails the first read, before a
// byte is read.
func (rt *Route) capBody(w http.ResponseWriter, r *http.Request) (release func(), err error) {
	if r.Body == nil || r.Body == http.NoBody {
		return noRelease, nil
	}
	limit := rt.limit
	if limit == 0 {
		limit = rt.s.cfg.Actions.MaxBodyBytes()
	}
	if release, err = rt.s.chargeBody(r); err != nil {
		return nil, err
	}
	r.Body = &routeBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit), limit: limit, declared: r.ContentLength}
	return release, nil
}
