package actions

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"runtime/debug"
)

// Func is the mutation seam: the user's code, run after parse, validation
// and authorization have passed.
type Func[In, Out any] func(ctx context.Context, in In) (Out, error)

// Action is a typed action. Create one with [New] and register it on a
// [Registry] before use; an action belongs to one registry.
type Action[In, Out any] struct {
	core
	fn Func[In, Out]
}

// Handler is the part of an action that does not depend on its types. It is
// what registries, views and servers deal in. Only this package's [Action]
// implements it.
type Handler interface {
	// Name returns the name the action was registered under.
	Name() string
	// ID returns the action's opaque wire ID. It panics before the action
	// is registered.
	ID() string
	// Fields describes the input's form fields.
	Fields() []Field
	// Field returns the field with the given form name (numeric path
	// segments such as the 0 in "items.0.qty" are ignored).
	Field(name string) (Field, bool)
	// Seal seals bound values for a form of this action; see [Bound].
	Seal(values url.Values) (string, error)

	base() *core
}

// New returns an action named name that runs fn. The name is for people and
// logs; the wire sees only the ID derived from it. In must be a struct.
// Every action needs an authorization option ([Authorize], [SignedIn],
// [RequireRole] or [Public]); [Registry.Register] refuses one without.
func New[In, Out any](name string, fn Func[In, Out], opts ...Option) *Action[In, Out] {
	a := &Action[In, Out]{fn: fn}
	a.sealed.max = 1024
	a.name = name
	a.inType = reflect.TypeFor[In]()
	for _, o := range opts {
		o.apply(&a.opts)
	}
	a.newIn = func() any { return new(In) }
	a.mutate = func(ctx context.Context, in any) (any, error) {
		return a.fn(ctx, *in.(*In))
	}
	return a
}

// Call runs the action from Go, with no HTTP: validate, authorize (with the
// principal in ctx), mutate and revalidate. Errors are *[Error] values for
// refused input and policy denials; a panic in the mutation is returned as
// an internal error.
func (a *Action[In, Out]) Call(ctx context.Context, in In) (Out, error) {
	var zero Out
	if a.reg == nil {
		return zero, fmt.Errorf("actions: %q is not registered", a.name)
	}
	out, err := a.execute(context.WithValue(ctx, callKey{}, &call{}), &in)
	if err != nil {
		return zero, err
	}
	return out.(Out), nil
}

func (a *Action[In, Out]) base() *core { return &a.core }

// core is the untyped part of an action.
type core struct {
	name   string
	opts   options
	inType reflect.Type
	newIn  func() any // returns *In
	mutate func(ctx context.Context, in any) (any, error)

	reg     *Registry
	id      string
	fields  []Field
	byField map[string]int // index in fields, by name
	limit   int64
	sealed  memo[string] // seals of bound values, by their encoding
}

// Name returns the action's name.
func (c *core) Name() string { return c.name }

// ID returns the action's wire ID.
func (c *core) ID() string {
	if c.reg == nil {
		panic(fmt.Sprintf("actions: ID of unregistered action %q", c.name))
	}
	return c.id
}

// Fields describes the input's form fields, in struct order.
func (c *core) Fields() []Field { return c.fields }

// Field returns the field named name.
func (c *core) Field(name string) (Field, bool) {
	i, ok := c.byField[name]
	if !ok {
		i, ok = c.byField[fieldPattern(name)]
	}
	if !ok {
		return Field{}, false
	}
	return c.fields[i], true
}

// execute runs validate, authorize, mutate and revalidate on in (a *In).
func (c *core) execute(ctx context.Context, in any) (any, error) {
	return c.executeWith(ctx, in, nil)
}

// executeWith is execute with field errors already found while decoding,
// merged with the validator's so that the user sees them all at once.
func (c *core) executeWith(ctx context.Context, in any, decodeErrs map[string]string) (out any, err error) {
	if err := c.reg.Validate(in); err != nil || len(decodeErrs) > 0 {
		var e *Error
		switch {
		case err != nil && (!errors.As(err, &e) || e.Kind != KindInvalid):
			return nil, err
		case e == nil:
			return nil, Invalid(decodeErrs)
		}
		maps.Copy(e.Fields, decodeErrs) // a decode error outranks the rule it broke
		return nil, e
	}
	if err := c.authorize(ctx, in); err != nil {
		return nil, err
	}
	out, err = c.safeMutate(ctx, in)
	if err != nil {
		return nil, err
	}
	cl := callFrom(ctx)
	if len(cl.tags)+len(cl.paths) > 0 && c.reg.revalidator != nil {
		if err := c.reg.revalidator.Revalidate(ctx, cl.tags, cl.paths); err != nil {
			return nil, &Error{Kind: KindInternal, Err: fmt.Errorf("revalidate %v %v: %w", cl.tags, cl.paths, err)}
		}
	}
	return out, nil
}

func (c *core) authorize(ctx context.Context, in any) error {
	if c.opts.public {
		return nil
	}
	err := c.opts.policy(ctx, PrincipalFrom(ctx), reflect.ValueOf(in).Elem().Interface())
	if err == nil {
		return nil
	}
	if k := KindOf(err); k == KindUnauthenticated || k == KindForbidden || k == KindNotFound {
		return err
	}
	return &Error{Kind: KindInternal, Err: fmt.Errorf("authorize: %w", err)}
}

// PanicError is the cause of the internal error a panicking mutation
// returns. Stack is shown in development only.
type PanicError struct {
	Value any
	Stack []byte
}

func (p *PanicError) Error() string { return fmt.Sprintf("panic: %v", p.Value) }

func (c *core) safeMutate(ctx context.Context, in any) (out any, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, &Error{Kind: KindInternal, Err: &PanicError{Value: v, Stack: debug.Stack()}}
		}
	}()
	return c.mutate(ctx, in)
}
