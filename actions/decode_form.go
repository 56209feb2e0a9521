package actions

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/schema"
)

// newDecoder returns the gorilla/schema decoder of a registry: form names
// from the "form" tag, unknown keys refused, slice indices bounded.
func newDecoder(maxSlice int) *schema.Decoder {
	d := schema.NewDecoder()
	d.SetAliasTag("form")
	d.IgnoreUnknownKeys(false)
	d.MaxSize(maxSlice)
	d.RegisterConverter(time.Time{}, convertTime)
	return d
}

var timeLayouts = []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339}

func convertTime(s string) reflect.Value {
	if s == "" {
		return reflect.ValueOf(time.Time{})
	}
	if t, ok := parseTime(s); ok {
		return reflect.ValueOf(t)
	}
	return reflect.Value{} // schema reports a conversion error
}

func (r *Registry) parseURLEncoded(c *core, body *limitedBody, res *Result) (*core, *payload, error) {
	raw := bodyBuffers.Get().(*bytes.Buffer)
	defer func() { raw.Reset(); bodyBuffers.Put(raw) }()
	if c == nil {
		// The ID is the form's first field: read it first, so that the
		// action's own limit applies to the rest of the body.
		var err error
		if c, err = r.identifyFirst(body, raw, res); err != nil {
			return c, nil, err
		}
		// The form's DOM id comes second, so that even a body over the
		// limit, or a caller refused, is answered on the form that sent it.
		if err := peekForm(body, raw, res); err != nil {
			return c, nil, err
		}
		if c != nil {
			if err := body.admit(c); err != nil {
				return c, nil, err
			}
		}
	}
	if _, err := raw.ReadFrom(body); err != nil {
		return c, nil, body.readError(err)
	}
	values, err := url.ParseQuery(raw.String())
	if err != nil {
		return c, nil, malformed("The form body is not valid URL encoding.")
	}
	if c == nil { // the ID came late: the body is read, but not yet decoded
		if c, err = r.identify(values.Get(FieldAction), body, res); err != nil {
			return c, nil, err
		}
		res.Form = values.Get(FieldForm)
		if err := body.admit(c); err != nil {
			return c, nil, err
		}
	}
	p, err := r.decodeForm(c, values, nil, res)
	return c, p, err
}

// identifyFirst reads the head of a URL-encoded body into raw and finds the
// action when the body starts with its ID, as formwork's forms do. It
// returns nil and no error when the body starts otherwise.
func (r *Registry) identifyFirst(body *limitedBody, raw *bytes.Buffer, res *Result) (*core, error) {
	const head = int64(len(FieldAction) + 1 + idLen + 1)
	if _, err := raw.ReadFrom(io.LimitReader(body, head)); err != nil {
		return nil, body.readError(err)
	}
	rest, ok := bytes.CutPrefix(raw.Bytes(), []byte(FieldAction+"="))
	if !ok {
		return nil, nil
	}
	i := bytes.IndexByte(rest, '&')
	if i < 0 {
		return nil, nil
	}
	return r.identify(string(rest[:i]), body, res)
}

// maxFormID bounds the DOM id peekForm looks for.
const maxFormID = 200

// peekForm reads on into raw, which holds "_action=ID&", far enough to
// find a "_form" field that follows, and notes it on res.
func peekForm(body *limitedBody, raw *bytes.Buffer, res *Result) error {
	start := raw.Len()
	_, err := raw.ReadFrom(io.LimitReader(body, int64(len(FieldForm)+2+maxFormID)))
	if v, ok := bytes.CutPrefix(raw.Bytes()[start:], []byte(FieldForm+"=")); ok {
		if i := bytes.IndexByte(v, '&'); i >= 0 {
			if id, uerr := url.QueryUnescape(string(v[:i])); uerr == nil {
				res.Form = id
			}
		}
	}
	if err != nil {
		return body.readError(err)
	}
	return nil
}

// decodeForm decodes form values and files into a new input. It owns
// values: formwork's fields are taken out of it in place.
func (r *Registry) decodeForm(c *core, values url.Values, files map[string]*File, res *Result) (*payload, error) {
	res.Form = values.Get(FieldForm)
	sealed, once := values.Get(FieldBound), values.Get(FieldOnce)
	if c.opts.once && once == "" {
		return nil, malformed("The form has no one-time token; reload and try again.")
	}
	if err := r.checkKeys(c, values); err != nil {
		return nil, err
	}
	bound, err := r.openBound(c, sealed, res.ID)
	if err != nil {
		return nil, err
	}
	// Bound values join the submitted ones in place: refill leaves them out.
	maps.Copy(values, bound)
	p := &payload{in: c.newIn(), values: values, once: once}
	if p.fields, err = r.safeDecode(p.in, values); err != nil {
		return nil, err
	}
	return p, c.setFiles(p, files)
}

// checkKeys takes formwork's own fields (and every name starting with "_")
// out of values, and refuses a name the input does not take, a bound field
// sent in the clear, or a malformed name.
func (r *Registry) checkKeys(c *core, values url.Values) error {
	for k := range values {
		if strings.HasPrefix(k, "_") {
			delete(values, k)
			continue
		}
		if err := r.checkKey(k); err != nil {
			return err
		}
		f, ok := c.Field(k)
		if !ok {
			return malformed("The form has an unknown field %.60q.", k)
		}
		if f.Bound {
			return malformed("The field %q is bound to the form and cannot be sent.", k)
		}
	}
	return nil
}

// checkKey refuses a field name that gorilla/schema must never see: empty
// segments, and slice indices that are signed, padded or over the limit.
func (r *Registry) checkKey(k string) error {
	for seg := range strings.SplitSeq(k, ".") {
		if seg == "" {
			return malformed("The form has a malformed field name %.60q.", k)
		}
		if c := seg[0]; c == '-' || c == '+' || ('0' <= c && c <= '9') {
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= r.maxSlice || strconv.Itoa(n) != seg {
				return malformed("The field %.60q has an index out of range.", k)
			}
		}
	}
	return nil
}

// safeDecode decodes values into in. A value that does not convert is a
// field error, returned for the validator's to join; anything else the
// decoder refuses, a panic in it included, is a malformed request.
func (r *Registry) safeDecode(in any, values url.Values) (fields map[string]string, err error) {
	defer func() {
		if v := recover(); v != nil {
			fields, err = nil, &Error{Kind: KindMalformed, Message: "The form does not decode.", Err: fmt.Errorf("schema panic: %v", v)}
		}
	}()
	err = r.decoder.Decode(in, values)
	if err == nil {
		return nil, nil
	}
	var me schema.MultiError
	if !errors.As(err, &me) {
		return nil, malformed("The form does not decode.")
	}
	fields = map[string]string{}
	for k, e := range me {
		var ce schema.ConversionError
		var ue schema.UnknownKeyError
		switch {
		case errors.As(e, &ue):
			return nil, malformed("The form has an unknown field %.60q.", ue.Key)
		case errors.As(e, &ce):
			fields[k] = conversionMessage(ce.Type)
		default:
			return nil, malformed("The field %.60q does not decode.", k)
		}
	}
	return fields, nil
}
