package actions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// The form fields formwork itself adds to a form.
const (
	FieldAction = "_action" // the action ID; the form's first field
	FieldBound  = "_bound"  // the sealed bound arguments
	FieldForm   = "_form"   // the DOM id of the form, so that its result finds it
	FieldOnce   = "_once"   // the sealed one-time token of a form of a [Once] action
)

// Invoke runs the action that req names over HTTP and returns its result.
// It writes nothing to w, which it needs only for [http.MaxBytesReader].
// The action is the one with wire ID id, or, when id is empty, the one
// named by the body's "_action" field.
//
// Invoke reads application/x-www-form-urlencoded, multipart/form-data and
// application/json bodies (JSON needs a non-empty id). The body is capped at
// the action's limit as it streams, never trusting Content-Length, and the
// action does not run on a larger body. A field name that the input does
// not take is refused, never dropped.
func (r *Registry) Invoke(w http.ResponseWriter, req *http.Request, id string) *Result {
	res := &Result{ID: id}
	c, p, err := r.parse(w, req, res)
	if c != nil {
		res.Action = c.name
	}
	if err != nil {
		res.fail(err)
		return res
	}
	cl := &call{req: req, once: p.once}
	out, err := c.limited(context.WithValue(req.Context(), callKey{}, cl), p)
	res.Cookies = cl.cookies
	if err != nil {
		err = ClientGone(req.Context(), err)
		if p.values != nil {
			res.Values = c.refill(p.values)
		}
		if e := asError(err); e != nil && res.Values != nil {
			for k, v := range e.Refill {
				res.Values[k] = v
			}
		}
		res.fail(err)
		return res
	}
	res.Status, res.Out = StatusOK, out
	res.Redirect, res.FullReload, res.Message = cl.redirect, cl.fullReload, cl.message
	return res
}

// payload is a parsed request: the decoded input, field errors found while
// decoding (to be merged with the validator's), and the submitted form
// values (to refill the form if the call fails).
type payload struct {
	in     any // *In
	fields map[string]string
	values url.Values
	once   string // the sealed one-time token sent
	// admitted is set when the policy that needs no input ran before the
	// body was read (see core.admit), and holds are the places the limits
	// keyed by the request hold for the call, to settle once it ran.
	admitted bool
	holds    holds
}

// limited runs the seams after parse within the action's limits: those
// keyed by the request took the call at admit, and those keyed by a field
// take it now; those that count failures only settle once it ran.
func (c *core) limited(ctx context.Context, p *payload) (any, error) {
	more, err := c.takeInput(ctx, p.in)
	if err != nil {
		p.holds.settle(false, nil)
		return nil, err
	}
	out, err := c.executeWith(ctx, p.in, p.fields, p.admitted)
	mutated := callFrom(ctx).mutated
	p.holds.settle(mutated, err)
	more.settle(mutated, err)
	return out, err
}

// refill returns the values to show again in a form: the submitted ones but
// for bound fields, taken out of values in place. A sensitive field that
// was sent is kept as one empty value, its content gone: the form can say
// it must be entered again. Formwork's own fields are already gone.
func (c *core) refill(values url.Values) url.Values {
	for k, vs := range values {
		f, ok := c.Field(k)
		switch {
		case !ok || f.Bound:
			delete(values, k)
		case f.Sensitive && slices.ContainsFunc(vs, func(v string) bool { return v != "" }):
			values[k] = []string{""}
		case f.Sensitive:
			delete(values, k)
		}
	}
	return values
}

// parse finds the action and decodes the body into its input, by content
// type, within the body limit.
func (r *Registry) parse(w http.ResponseWriter, req *http.Request, res *Result) (*core, *payload, error) {
	var c *core
	limit := r.bodyCeiling()
	if res.ID != "" {
		var err error
		if c, err = r.lookup(res.ID); err != nil {
			return nil, nil, err
		}
		limit = c.limit
	}
	header := req.Header.Get("Content-Type")
	mt, params := mediaType(header)
	body := newLimitedBody(w, req, limit)
	if c != nil {
		if err := body.admit(c); err != nil {
			return c, nil, err
		}
	}
	var p *payload
	var err error
	switch mt {
	case typeURLEncoded:
		c, p, err = r.parseURLEncoded(c, body, res)
	case typeMultipart:
		c, p, err = r.parseMultipart(c, body, params["boundary"], res)
	case typeJSON:
		if c == nil {
			return nil, nil, malformed("A JSON body needs the action ID in the URL.")
		}
		c, p, err = r.parseJSON(c, body, req.Header.Get(HeaderBound), req.Header.Get(HeaderOnce), res)
	default:
		return c, nil, unsupportedMedia(header)
	}
	if err == nil && !body.admitted {
		err = body.admit(c) // a body that named its action late
	}
	if p != nil {
		p.admitted, p.holds = body.admitted, body.holds
	} else {
		body.holds.settle(false, nil)
	}
	return c, p, err
}

// identify finds the action named by id once the body has shown it, and
// tightens the body's limit to the action's.
func (r *Registry) identify(id string, body *limitedBody, res *Result) (*core, error) {
	res.ID = id
	if id == "" {
		return nil, malformed("The form has no %s field.", FieldAction)
	}
	c, err := r.lookup(id)
	if err != nil {
		return nil, err
	}
	return c, body.tighten(c.limit)
}

func malformed(format string, args ...any) error {
	m := fmt.Sprintf(format, args...)
	return &Error{Kind: KindMalformed, Message: m, Err: errors.New(m)}
}
