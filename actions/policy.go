package actions

import (
	"context"
	"fmt"
	"reflect"
)

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

// authorize runs the action's policy on in (a *In), unless admit ran it
// already. A refusal keeps its kind; any other error from the policy is
// internal.
func (c *core) authorize(ctx context.Context, in any, admitted bool) error {
	if c.opts.public || admitted && c.opts.policyIn == nil {
		return nil
	}
	return c.checkPolicy(ctx, reflect.ValueOf(in).Elem().Interface())
}

// admit runs, before the body is read any further, a policy that needs no
// input: one that looks at the principal alone, as [SignedIn] and
// [RequireRole] do. A caller it refuses costs no parsing, and learns
// nothing of the action's fields, not even whether its input was valid. A
// policy that needs the input ([Authorize]) runs after parse, as the
// seams say.
func (c *core) admit(ctx context.Context) error {
	if c.opts.public || c.opts.policyIn != nil {
		return nil
	}
	return c.checkPolicy(ctx, nil)
}

func (c *core) checkPolicy(ctx context.Context, in any) error {
	err := c.opts.policy(ctx, PrincipalFrom(ctx), in)
	if err == nil {
		return nil
	}
	if k := KindOf(err); k == KindUnauthenticated || k == KindForbidden || k == KindNotFound {
		return err
	}
	return &Error{Kind: KindInternal, Err: fmt.Errorf("authorize: %w", err)}
}
