package actions

import (
	"context"
	"fmt"
	"maps"
	"runtime/debug"
)

// execute runs the seams after parse on in (a *In): validate, authorize,
// mutate and revalidate.
func (c *core) execute(ctx context.Context, in any) (any, error) {
	return c.executeWith(ctx, in, nil, false)
}

// executeWith is execute with field errors already found while decoding,
// and with the policy that needs no input run already when admitted.
func (c *core) executeWith(ctx context.Context, in any, decodeErrs map[string]string, admitted bool) (any, error) {
	if err := c.validate(in, decodeErrs); err != nil {
		return nil, err
	}
	if err := c.authorize(ctx, in, admitted); err != nil {
		return nil, err
	}
	ctx, cancel := detach(ctx)
	defer cancel()
	out, err := c.runOnce(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := c.revalidate(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// detach returns ctx without its cancellation, keeping its values and its
// deadline. A mutation, once started, runs to its end and revalidates even
// when the client goes away (net/http cancels the request's context then),
// so that it never stops half-written; a deadline the server set still
// holds. The request's own context stays at hand through [RequestFrom].
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	detached := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(detached, deadline)
	}
	return detached, func() {}
}

// validate runs the validator and merges its field errors with decodeErrs,
// so that the user sees them all at once.
func (c *core) validate(in any, decodeErrs map[string]string) error {
	err := c.reg.Validate(in)
	if err == nil && len(decodeErrs) == 0 {
		return nil
	}
	e := asError(err)
	switch {
	case err != nil && (e == nil || e.Kind != KindInvalid):
		return err
	case e == nil:
		return Invalid(decodeErrs)
	}
	maps.Copy(e.Fields, decodeErrs) // a decode error outranks the rule it broke
	return e
}

// PanicError is the cause of the internal error a panicking mutation
// returns. Stack is shown in development only.
type PanicError struct {
	Value any
	Stack []byte
}

// Error returns the panic's value, for logs.
func (p *PanicError) Error() string { return fmt.Sprintf("panic: %v", p.Value) }

func (c *core) safeMutate(ctx context.Context, in any) (out any, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, &Error{Kind: KindInternal, Err: &PanicError{Value: v, Stack: debug.Stack()}}
		}
	}()
	if cl := callFrom(ctx); cl != nil {
		cl.mutated = true
	}
	return c.mutate(ctx, in)
}

// revalidate hands what the mutation recorded to the registry's
// [Revalidator]. It runs only after the mutation succeeded.
func (c *core) revalidate(ctx context.Context) error {
	cl := callFrom(ctx)
	if len(cl.tags)+len(cl.paths) == 0 || c.reg.revalidator == nil {
		return nil
	}
	if err := c.reg.revalidator.Revalidate(ctx, cl.tags, cl.paths); err != nil {
		return &Error{Kind: KindInternal, Err: fmt.Errorf("revalidate %v %v: %w", cl.tags, cl.paths, err)}
	}
	return nil
}
