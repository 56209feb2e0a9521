package actions

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
)

// HeaderBound carries sealed bound arguments for JSON callers, whose body
// has no room for them.
const HeaderBound = "Formwork-Bound"

// parseJSON decodes one JSON object into a new input, refusing unknown
// fields, trailing data and bound fields sent in the clear; the bound ones
// come sealed in the [HeaderBound] header.
func (r *Registry) parseJSON(c *core, body *limitedBody, sealed, once string, res *Result) (*core, *payload, error) {
	p, err := decodeJSON(c, body)
	if err != nil {
		return c, nil, err
	}
	p.once = once
	in := p.in
	v := reflect.ValueOf(in).Elem()
	for _, f := range c.fields {
		if f.Bound && !v.FieldByIndex(f.index).IsZero() {
			return c, nil, malformed("The field %q is bound; send it sealed in the %s header.", f.Name, HeaderBound)
		}
	}
	bound, err := r.openBound(c, sealed, res.ID)
	if err != nil {
		return c, nil, err
	}
	if len(bound) > 0 {
		if err := r.decoder.Decode(in, bound); err != nil {
			return c, nil, malformed("The bound arguments do not decode.")
		}
	}
	return c, p, nil
}

// decodeJSON decodes the body, one JSON object and nothing after it, into
// a new input. A value of the wrong type, or a date that does not parse,
// is a field error; anything else wrong is malformed.
func decodeJSON(c *core, body *limitedBody) (*payload, error) {
	p := &payload{in: c.newIn()}
	dec := json.NewDecoder(body)
	var src io.Reader = body
	if c.hasTime {
		// Dates may come as the form sends them (2026-11-23) as well as in
		// RFC 3339: rewrite them first, naming any that does not parse.
		raw, fields, err := normalizeTimes(dec, c.inType)
		if err != nil {
			return nil, jsonError(body, err)
		}
		p.fields, src = fields, bytes.NewReader(raw)
		dec = json.NewDecoder(src)
	}
	dec.DisallowUnknownFields()
	if err := dec.Decode(p.in); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field == "" {
			return nil, jsonError(body, err)
		}
		if p.fields == nil {
			p.fields = map[string]string{}
		}
		p.fields[formKey(c.inType, te.Field)] = conversionMessage(te.Type) // decoding stops here; validation reports the rest
		return p, nil
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, jsonError(body, err)
		}
		return nil, malformed("The JSON body has data after its object.")
	}
	return p, nil
}

// jsonError says what is wrong with a JSON body that does not decode: the
// body's own failures (too large, cut short) first, then the JSON's.
func jsonError(body *limitedBody, err error) error {
	if e := body.readError(err); KindOf(e) != KindMalformed || asError(err) != nil {
		return e // too large, cut short, or already said
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return malformed("The JSON body is not valid JSON (at byte %d).", se.Offset)
	case err == io.EOF:
		return malformed("The JSON body is empty.")
	case err == io.ErrUnexpectedEOF:
		return malformed("The JSON body ends before its object does.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no type for it; its text names the field.
		return malformed("The JSON body has an unknown field %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return malformed("The JSON body does not decode into the action's input.")
}

// formKey turns the JSON path of a field of t ("invoice.due_date") into
// its key in the form key space that validation uses ("invoice.due"), so
// that a value of the wrong type and a broken rule name the field alike.
// A segment it cannot follow is kept as it is.
func formKey(t reflect.Type, path string) string {
	var out []string
	for seg := range strings.SplitSeq(path, ".") {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			t = t.Elem()
		}
		var f reflect.StructField
		ok := t != nil && t.Kind() == reflect.Struct
		if ok {
			f, ok = jsonField(t, seg)
		}
		if !ok {
			out, t = append(out, seg), nil
			continue
		}
		out, t = append(out, formName(f)), f.Type
	}
	return strings.Join(out, ".")
}
