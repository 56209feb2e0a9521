package server

import (
	"net/http"
	"reflect"

	"github.com/formwork-dev/formwork/actions"
)

// Guard returns h guarded by policy, the same [actions.Policy] value an
// action takes: h runs only when the policy allows the request's principal
// (put in the context by [Server.Authenticate]: a session, or a bearer
// token that Config.Authenticate reads). A refusal is a problem: 401 with
// WWW-Authenticate for nobody, 403 for the wrong principal. A policy that
// needs the input ([actions.Authorize]) needs [Decoded]: Allow panics.
func Guard(policy actions.Policy, h HandlerFunc) HandlerFunc {
	if err := policy.Fits(nil); err != nil {
		panic("server: Guard: " + err.Error() + " (a policy on the input needs Decoded)")
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := policy.Check(r.Context(), nil); err != nil {
			return err
		}
		return h(w, r)
	}
}

// Decoded returns the handler of a method whose body is an input, run
// through an action's seams in their order: a policy that needs no input
// first, before the body is read; then the body decoded into In and
// validated ([Server.Decode]); then a policy that needs the input
// ([actions.Authorize]); then h with the input. Each failure is a problem:
// 413, 415, 400, 422 with the field errors, 401, 403 or 404. Decoded takes
// the server for its decoder and validator (the registry's), and panics,
// when it is called, for a policy that cannot guard In: the zero Policy,
// or an Authorize policy of another input type. The policy sees the
// principal and the input; a rule on the path's values (an owner of
// {id}) belongs in h.
func Decoded[In any](s *Server, policy actions.Policy, h func(w http.ResponseWriter, r *http.Request, in In) error) HandlerFunc {
	if err := policy.Fits(reflect.TypeFor[In]()); err != nil {
		panic("server: Decoded: " + err.Error())
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		if !policy.NeedsInput() {
			if err := policy.Check(ctx, nil); err != nil {
				return err
			}
		}
		var in In
		if err := s.Decode(r, &in); err != nil {
			return err
		}
		if policy.NeedsInput() {
			if err := policy.Check(ctx, in); err != nil {
				return err
			}
		}
		return h(w, r, in)
	}
}
