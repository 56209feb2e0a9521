package actions

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
)

// HeaderBound carries sealed bound arguments for JSON callers, whose body
// has no room for them.
const HeaderBound = "Formwork-Bound"

// parseJSON decodes one JSON object into a new input, refusing unknown
// fields, trailing data and bound fields sent in the clear; the bound ones
// come sealed in the [HeaderBound] header.
func (r *Registry) parseJSON(c *core, body *limitedBody, sealed string, res *Result) (*core, *payload, error) {
	in := c.newIn()
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return c, &payload{in: in, fields: map[string]string{te.Field: conversionMessage(te.Type)}}, nil
		}
		return c, nil, body.readError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return c, nil, body.readError(err)
		}
		return c, nil, malformed("The JSON body has data after its object.")
	}
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
	return c, &payload{in: in}, nil
}
