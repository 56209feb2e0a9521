package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/formwork-dev/formwork/actions"
)

// Problem is the body of a route's error answer, an RFC 9457 problem
// (application/problem+json). Errors lists field errors in the form field
// key space that actions use ("items.0.qty"), sorted by location; a value
// sent is never echoed. Digest names an internal error's log line.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Kind   string         `json:"kind,omitempty"`
	Errors []ProblemField `json:"errors,omitempty"`
	Digest string         `json:"digest,omitempty"`
}

// ProblemField is one field's error in a [Problem].
type ProblemField struct {
	Location string `json:"location"`
	Message  string `json:"message"`
}

// problemOf is the problem of a failed result, answered with status.
func problemOf(res *actions.Result, status int) Problem {
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: res.Error, Kind: res.Kind.String(), Digest: res.Digest}
	for k, msg := range res.Fields {
		p.Errors = append(p.Errors, ProblemField{Location: k, Message: msg})
	}
	slices.SortFunc(p.Errors, func(a, b ProblemField) int {
		switch {
		case a.Location < b.Location:
			return -1
		case a.Location > b.Location:
			return 1
		}
		return 0
	})
	return p
}

// routeFailed answers the error a route's handler returned, when the
// handler wrote nothing yet; after a write, the error is only logged, and
// a client that went away only on the request's line, as client_gone.
func (s *Server) routeFailed(w *committed, r *http.Request, err error) {
	if w.wrote {
		res := actions.ErrorResult(actions.ClientGone(r.Context(), err))
		s.note(w, res)
		if res.Kind != actions.KindClientGone { // how a stream ends: the request's line says so
			s.log.ErrorContext(r.Context(), "route handler failed after writing", "err", err, "digest", res.Digest)
		}
		return
	}
	s.problem(w, r, err)
}

// problem writes err as a problem: its kind picks the status from the
// one table (see [StatusOf]), with Retry-After when it says when.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	res := s.reveal(actions.ErrorResult(actions.ClientGone(r.Context(), err)))
	s.note(w, res)
	if n := res.RetryAfterSeconds(); n > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(n, 10))
	}
	status := StatusOf(res)
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", "Bearer") // RFC 9110 requires a challenge
	}
	writeProblem(w, problemOf(res, status))
}

// writeProblem writes p, encoded whole first, with its status.
func writeProblem(w http.ResponseWriter, p Problem) {
	body, err := json.Marshal(p)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	for _, k := range [...]string{"Etag", "Last-Modified", "Location", "Content-Disposition", "Content-Encoding"} {
		delete(h, k) // set by the handler for the answer it did not give
	}
	h["Content-Type"] = headerProblem
	h["Cache-Control"] = headerNoStore
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(p.Status)
	w.Write(body)
}

// methodNotAllowedProblem is the 405 of a route with no handler for
// method.
func methodNotAllowedProblem(method string) Problem {
	return Problem{Type: "about:blank", Title: http.StatusText(http.StatusMethodNotAllowed),
		Status: http.StatusMethodNotAllowed, Detail: "This address does not answer " + method + "."}
}

// committed records whether a handler wrote to the response, and guards
// its Cache-Control as it is sent (see guardCache).
type committed struct {
	http.ResponseWriter
	wrote    bool
	signedIn bool // the request carries a principal or an Authorization header
}

func (c *committed) WriteHeader(status int) {
	if !c.wrote {
		c.wrote = true
		guardCache(c.Header(), c.signedIn)
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *committed) Write(b []byte) (int, error) {
	if !c.wrote {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection: streams flush.
func (c *committed) Unwrap() http.ResponseWriter { return c.ResponseWriter }
