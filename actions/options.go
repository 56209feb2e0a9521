package actions

import (
	"context"
	"reflect"
)

// An Option configures an action. Pass options to [New].
type Option interface{ apply(*options) }

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

type options struct {
	policy     func(ctx context.Context, p Principal, in any) error
	policyIn   reflect.Type // nil when the policy takes any input
	policyName string
	public     bool
	maxBytes   int64
	bound      []string
	sensitive  []string
	aliases    []string
}

// Authorize sets the action's policy. It runs after validation and before
// the mutation, and sees the principal (nil when nobody is signed in) and
// the validated input. It returns nil to allow, [ErrUnauthenticated] or
// [ErrForbidden] (or an [Errorf] of those kinds) to refuse; any other error
// is an internal error. Policy's In must be the action's In.
func Authorize[In any](policy func(ctx context.Context, p Principal, in In) error) Option {
	return optionFunc(func(o *options) {
		o.policyIn = reflect.TypeFor[In]()
		o.policyName = "custom"
		o.policy = func(ctx context.Context, p Principal, in any) error {
			return policy(ctx, p, in.(In))
		}
	})
}

// SignedIn allows any principal and refuses callers with none.
func SignedIn() Option {
	return optionFunc(func(o *options) {
		o.policyIn, o.policyName = nil, "signed-in"
		o.policy = func(_ context.Context, p Principal, _ any) error {
			if p == nil {
				return ErrUnauthenticated
			}
			return nil
		}
	})
}

// RequireRole allows principals that hold role.
func RequireRole(role string) Option {
	return optionFunc(func(o *options) {
		o.policyIn, o.policyName = nil, "role:"+role
		o.policy = func(_ context.Context, p Principal, _ any) error {
			switch {
			case p == nil:
				return ErrUnauthenticated
			case !p.HasRole(role):
				return ErrForbidden
			}
			return nil
		}
	})
}

// Public lets anyone call the action, signed in or not, such as a login
// form. Without it, an action needs an explicit policy: formwork actions
// are never public by accident.
func Public() Option {
	return optionFunc(func(o *options) { o.public, o.policyName = true, "public" })
}

// MaxBytes caps the action's request body at n bytes, counted as the body
// streams, in place of the registry's default. Over the cap the call fails
// with [KindTooLarge] and the action does not run.
func MaxBytes(n int64) Option {
	return optionFunc(func(o *options) { o.maxBytes = n })
}

// Bound names input fields that are fixed when the form is rendered, such
// as the ID of the record a button acts on. Their values come only from the
// form's sealed "_bound" field (see [Handler.Seal]); a request that sends
// them in the clear, tampers with the seal, or moves it to another action is
// refused with [KindMalformed] before the action runs.
func Bound(fields ...string) Option {
	return optionFunc(func(o *options) { o.bound = append(o.bound, fields...) })
}

// Sensitive names input fields, such as passwords, that are never echoed
// back into a re-rendered form.
func Sensitive(fields ...string) Option {
	return optionFunc(func(o *options) { o.sensitive = append(o.sensitive, fields...) })
}

// Alias keeps the IDs of former names working after a rename, so that pages
// rendered before a deploy still reach the action.
func Alias(names ...string) Option {
	return optionFunc(func(o *options) { o.aliases = append(o.aliases, names...) })
}
