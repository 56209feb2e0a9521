package actions

import (
	"context"
	"fmt"
	"reflect"
)

// A Policy decides who may act: [SignedIn], [RequireRole], [Public] or
// [Authorize]. It is an [Option] of an action, and the same value guards a
// route handler through [Policy.Check], so an API and a form share one
// rule. The zero Policy allows nobody.
type Policy struct {
	check  func(ctx context.Context, p Principal, in any) error
	in     reflect.Type // the input Authorize's policy takes; nil for none
	name   string
	public bool
}

func (pol Policy) apply(o *options) {
	o.policy, o.policyIn, o.policyName, o.public = pol.check, pol.in, pol.name, pol.public
}

// Authorize returns a policy that runs after validation and before the
// mutation, and sees the principal (nil when nobody is signed in) and the
// validated input. It returns nil to allow, [ErrUnauthenticated] or
// [ErrForbidden] (or an [Errorf] of those kinds, or of [KindNotFound]) to
// refuse; any other error is an internal error. As an action's option,
// policy's In must be the action's In.
func Authorize[In any](policy func(ctx context.Context, p Principal, in In) error) Policy {
	return Policy{in: reflect.TypeFor[In](), name: "custom",
		check: func(ctx context.Context, p Principal, in any) error {
			v, ok := in.(In)
			if !ok {
				return fmt.Errorf("the policy takes %v, not %T", reflect.TypeFor[In](), in)
			}
			return policy(ctx, p, v)
		}}
}

// SignedIn allows any principal and refuses callers with none.
func SignedIn() Policy {
	return Policy{name: "signed-in", check: func(_ context.Context, p Principal, _ any) error {
		if p == nil {
			return ErrUnauthenticated
		}
		return nil
	}}
}

// RequireRole allows principals that hold role.
func RequireRole(role string) Policy {
	return Policy{name: "role:" + role, check: func(_ context.Context, p Principal, _ any) error {
		switch {
		case p == nil:
			return ErrUnauthenticated
		case !p.HasRole(role):
			return ErrForbidden
		}
		return nil
	}}
}

// Public lets anyone call the action, signed in or not, such as a login
// form. Without it, an action needs an explicit policy: formwork actions
// are never public by accident.
func Public() Policy { return Policy{name: "public", public: true} }

// NeedsInput reports whether the policy looks at the input (an [Authorize]
// policy), and so can run only once the input is decoded and valid.
func (pol Policy) NeedsInput() bool { return pol.in != nil }

// Fits reports why the policy cannot guard an input of type t (nil for a
// caller with no input), or nil when it can: the zero Policy guards
// nothing, and an [Authorize] policy needs its own input type. A route
// checks this once, when it is set up.
func (pol Policy) Fits(t reflect.Type) error {
	switch {
	case !pol.public && pol.check == nil:
		return fmt.Errorf("actions: the zero Policy allows nobody; use SignedIn, RequireRole, Public or Authorize")
	case pol.in != nil && t == nil:
		return fmt.Errorf("actions: the policy takes an input of type %v, and there is none", pol.in)
	case pol.in != nil && pol.in != t:
		return fmt.Errorf("actions: the policy takes %v but the input is %v", pol.in, t)
	}
	return nil
}

// Check runs the policy for the principal in ctx and in, the validated
// input (nil when the policy does not need it; see [Policy.NeedsInput]).
// A refusal keeps its kind ([KindUnauthenticated], [KindForbidden] or
// [KindNotFound]); any other error, the zero Policy's included, is of kind
// [KindInternal].
func (pol Policy) Check(ctx context.Context, in any) error {
	switch {
	case pol.public:
		return nil
	case pol.check == nil:
		return &Error{Kind: KindInternal, Err: fmt.Errorf("authorize: the zero Policy allows nobody")}
	}
	err := pol.check(ctx, PrincipalFrom(ctx), in)
	if err == nil {
		return nil
	}
	if k := KindOf(err); k == KindUnauthenticated || k == KindForbidden || k == KindNotFound {
		return err
	}
	return &Error{Kind: KindInternal, Err: fmt.Errorf("authorize: %w", err)}
}

// policy is the action's policy, as its options set it.
func (c *core) policy() Policy {
	return Policy{check: c.opts.policy, in: c.opts.policyIn, name: c.opts.policyName, public: c.opts.public}
}

// authorize runs the action's policy on in (a *In), unless admit ran it
// already.
func (c *core) authorize(ctx context.Context, in any, admitted bool) error {
	if c.opts.public || admitted && c.opts.policyIn == nil {
		return nil
	}
	return c.policy().Check(ctx, reflect.ValueOf(in).Elem().Interface())
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
	return c.policy().Check(ctx, nil)
}
