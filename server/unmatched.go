package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/formwork-dev/formwork/actions"
)

// errNoPage is the 404 of an address that no pattern of the server's
// matches.
var errNoPage = &actions.Error{Kind: actions.KindNotFound, Message: "There is no page at this address."}

// probeMethods are the methods tried to tell a path the server serves with
// other methods (405) from one it does not serve at all (404).
var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// unmatched answers what no other pattern matched, behind the server's
// middleware, and so with its page headers and log line: the handler set
// with Handle("/", h) when there is one; otherwise 405 with Allow for a
// path the server serves with other methods, and 404 for the rest. Either
// is the error page for a browser (htmx a fragment of it), and a problem
// for a caller that asks for JSON.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request) {
	if h := s.catchAll.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	if allow := s.allowed(r); allow != "" {
		w.Header().Set("Allow", allow)
		if CallerOf(r) == CallerJSON {
			writeProblem(w, methodNotAllowedProblem(r.Method))
			return
		}
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	if CallerOf(r) == CallerJSON {
		s.problem(w, r, errNoPage)
		return
	}
	s.fail(w, r, errNoPage)
}

// allowed is the Allow header of r's path: the methods that some pattern
// other than the catch-all matches, sorted, or "" for none.
func (s *Server) allowed(r *http.Request) string {
	probe := r.Clone(r.Context())
	var allow []string
	for _, m := range probeMethods {
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		return ""
	}
	if slices.Contains(allow, http.MethodGet) {
		allow = append(allow, http.MethodHead)
	}
	slices.Sort(allow)
	return strings.Join(allow, ", ")
}
