package actions

import (
	"fmt"
	"net/http"
	"reflect"
)

// Decode reads the body of req into v, a pointer to a struct, as an action
// reads its input, and validates it with the registry's validator: for a
// route handler, the same rules and the same field error keys as a form.
// The body is read up to limit bytes as it streams (0 means the registry's
// default); it may be:
//
//   - application/json: one object, an unknown field or data after it
//     refused;
//   - application/x-www-form-urlencoded or multipart/form-data: an unknown
//     field refused, fields named "_…" left out, *[File] fields filled.
//
// The error, when there is one, is an *[Error]: [KindTooLarge] past the
// limit, [KindUnsupportedMedia] for another content type, [KindMalformed]
// for a body that does not decode, or [KindInvalid] with Fields keyed by
// form field name ("items.0.qty"), never echoing a value.
func (r *Registry) Decode(req *http.Request, v any, limit int64) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return &Error{Kind: KindInternal, Err: fmt.Errorf("actions: Decode into %T, not a pointer to a struct", v)}
	}
	c, err := r.shape(rv.Type().Elem())
	if err != nil {
		return &Error{Kind: KindInternal, Err: fmt.Errorf("actions: Decode: %w", err)}
	}
	if limit <= 0 {
		limit = r.maxBody
	}
	header := req.Header.Get("Content-Type")
	mt, params := mediaType(header)
	body := newLimitedBody(nil, req, limit)
	body.admitted = true // a shape has no policy: the route's runs on its own
	var p *payload
	switch mt {
	case typeJSON:
		p, err = decodeJSON(c, body)
	case typeURLEncoded:
		_, p, err = r.parseURLEncoded(c, body, &Result{})
	case typeMultipart:
		_, p, err = r.parseMultipart(c, body, params["boundary"], &Result{})
	default:
		return unsupportedMedia(header)
	}
	if err != nil {
		return err
	}
	if err := c.validate(p.in, p.fields); err != nil {
		return err
	}
	rv.Elem().Set(reflect.ValueOf(p.in).Elem())
	return nil
}

// shape returns the core that decodes a struct type for [Registry.Decode]:
// its fields, no policy and no mutation. Shapes are made once per type.
func (r *Registry) shape(t reflect.Type) (*core, error) {
	if c, ok := r.shapes.Load(t); ok {
		return c.(*core), nil
	}
	fields, err := describe(t)
	if err != nil {
		return nil, err
	}
	c := &core{name: "decode " + t.String(), reg: r, inType: t, limit: r.maxBody,
		newIn: func() any { return reflect.New(t).Interface() }}
	c.opts.public = true
	c.setFields(fields)
	got, _ := r.shapes.LoadOrStore(t, c)
	return got.(*core), nil
}
