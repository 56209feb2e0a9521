package actions

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/schema"
)

// The form fields formwork itself adds to a form.
const (
	FieldAction = "_action" // the action ID; the form's first field
	FieldBound  = "_bound"  // the sealed bound arguments
	FieldForm   = "_form"   // the DOM id of the form, so that its result finds it
)

// HeaderBound carries sealed bound arguments for JSON callers, whose body
// has no room for them.
const HeaderBound = "Formwork-Bound"

// maxParts bounds the parts of a multipart body.
const maxParts = 1000

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
	cl := &call{req: req}
	out, err := c.executeWith(context.WithValue(req.Context(), callKey{}, cl), p.in, p.fields)
	res.Cookies = cl.cookies
	if err != nil {
		if p.values != nil {
			res.Values = c.refill(p.values)
		}
		res.fail(err)
		return res
	}
	res.Status, res.Out = StatusOK, out
	res.Redirect, res.FullReload, res.Message = cl.redirect, cl.fullReload, cl.message
	return res
}

// fail records err on res.
func (res *Result) fail(err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Kind: KindInternal, Err: err}
	}
	res.Kind, res.Err, res.Error = e.Kind, err, e.Message
	switch {
	case e.Kind == KindInvalid:
		res.Status, res.Fields = StatusInvalid, e.Fields
		if res.Error == "" {
			res.Error = userMessage(KindInvalid)
		}
		return
	case e.Kind == KindInternal:
		res.Error, res.Digest = userMessage(KindInternal), newDigest()
	case res.Error == "":
		res.Error = userMessage(e.Kind)
	}
	res.Status = StatusFailed
}

func newDigest() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// payload is a parsed request: the decoded input, field errors found while
// decoding (to be merged with the validator's), and the submitted form
// values (to refill the form if the call fails).
type payload struct {
	in     any // *In
	fields map[string]string
	values url.Values
}

// refill returns the values to show again in a form: the submitted ones but
// for sensitive and bound fields, taken out of values in place. Formwork's
// own fields are already gone.
func (c *core) refill(values url.Values) url.Values {
	for k := range values {
		if f, ok := c.Field(k); !ok || f.Sensitive || f.Bound {
			delete(values, k)
		}
	}
	return values
}

func malformed(format string, args ...any) error {
	m := fmt.Sprintf(format, args...)
	return &Error{Kind: KindMalformed, Message: m, Err: errors.New(m)}
}

func (r *Registry) parse(w http.ResponseWriter, req *http.Request, res *Result) (*core, *payload, error) {
	var c *core
	if res.ID != "" {
		var err error
		if c, err = r.lookup(res.ID); err != nil {
			return nil, nil, err
		}
	}
	mt, params := req.Header.Get("Content-Type"), map[string]string(nil)
	if mt != "application/x-www-form-urlencoded" { // the common case needs no parsing
		var err error
		if mt, params, err = mime.ParseMediaType(mt); err != nil {
			mt = ""
		}
	}
	r.mu.RLock()
	limit := r.ceiling
	r.mu.RUnlock()
	if c != nil {
		limit = c.limit
	}
	body := &limitedBody{r: http.MaxBytesReader(w, req.Body, limit), limit: limit}
	switch mt {
	case "application/x-www-form-urlencoded":
		return r.parseURLEncoded(c, body, res)
	case "multipart/form-data":
		return r.parseMultipart(c, body, params["boundary"], res)
	case "application/json":
		if c == nil {
			return nil, nil, malformed("A JSON body needs the action ID in the URL.")
		}
		return r.parseJSON(c, body, req.Header.Get(HeaderBound), res)
	}
	return c, nil, &Error{Kind: KindUnsupportedMedia,
		Message: "Send the form as application/x-www-form-urlencoded, multipart/form-data or application/json.",
		Err:     fmt.Errorf("unsupported content type %.60q", req.Header.Get("Content-Type"))}
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

func (r *Registry) parseURLEncoded(c *core, body *limitedBody, res *Result) (*core, *payload, error) {
	raw := bodyBuffers.Get().(*bytes.Buffer)
	defer func() { raw.Reset(); bodyBuffers.Put(raw) }()
	if c == nil {
		// The ID is the form's first field: read it first, so that the
		// action's own limit applies to the rest of the body.
		const head int64 = int64(len(FieldAction) + 1 + idLen + 1)
		if _, err := raw.ReadFrom(io.LimitReader(body, head)); err != nil {
			return c, nil, body.readError(err)
		}
		if rest, ok := bytes.CutPrefix(raw.Bytes(), []byte(FieldAction+"=")); ok {
			if i := bytes.IndexByte(rest, '&'); i >= 0 {
				var err error
				if c, err = r.identify(string(rest[:i]), body, res); err != nil {
					return c, nil, err
				}
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
	if c == nil {
		if c, err = r.identify(values.Get(FieldAction), body, res); err != nil {
			return c, nil, err
		}
	}
	p, err := r.decodeForm(c, values, nil, res)
	return c, p, err
}

func (r *Registry) parseMultipart(c *core, body *limitedBody, boundary string, res *Result) (*core, *payload, error) {
	if boundary == "" {
		return c, nil, malformed("The multipart body has no boundary.")
	}
	mr := multipart.NewReader(body, boundary)
	values := url.Values{}
	files := map[string]*File{}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c, nil, body.readError(err)
		}
		if n == maxParts {
			return c, nil, malformed("The form has more than %d parts.", maxParts)
		}
		name := part.FormName()
		_, disp, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		_, isFile := disp["filename"]
		if c != nil && !strings.HasPrefix(name, "_") {
			// Known action: refuse a part its input does not take before
			// reading a byte of it.
			if f, ok := c.Field(name); !ok || f.File != isFile {
				return c, nil, malformed("The form has an unknown field %.60q.", name)
			}
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return c, nil, body.readError(err)
		}
		switch {
		case name == FieldAction && c == nil:
			if c, err = r.identify(string(data), body, res); err != nil {
				return c, nil, err
			}
		case isFile:
			if part.FileName() == "" && len(data) == 0 {
				continue // an empty file input
			}
			files[name] = &File{Filename: part.FileName(), ContentType: part.Header.Get("Content-Type"),
				Size: int64(len(data)), Content: data}
			continue
		}
		values.Add(name, string(data))
	}
	if c == nil {
		var err error
		if c, err = r.identify(values.Get(FieldAction), body, res); err != nil {
			return c, nil, err
		}
	}
	p, err := r.decodeForm(c, values, files, res)
	return c, p, err
}

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
	bound, err := r.openBound(c, sealed, res)
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

// decodeForm decodes form values and files into a new input. It owns
// values: formwork's fields are taken out of it in place.
func (r *Registry) decodeForm(c *core, values url.Values, files map[string]*File, res *Result) (*payload, error) {
	res.Form = values.Get(FieldForm)
	sealed := values.Get(FieldBound)
	for k := range values {
		if strings.HasPrefix(k, "_") {
			delete(values, k) // formwork's own fields, and reserved names
			continue
		}
		if err := r.checkKey(k); err != nil {
			return nil, err
		}
		f, ok := c.Field(k)
		if !ok {
			return nil, malformed("The form has an unknown field %.60q.", k)
		}
		if f.Bound {
			return nil, malformed("The field %q is bound to the form and cannot be sent.", k)
		}
	}
	bound, err := r.openBound(c, sealed, res)
	if err != nil {
		return nil, err
	}
	// Bound values join the submitted ones in place: refill leaves them out.
	maps.Copy(values, bound)
	in := c.newIn()
	p := &payload{in: in, values: values}
	if err := r.safeDecode(in, values); err != nil {
		var me schema.MultiError
		if !errors.As(err, &me) {
			return nil, malformed("The form does not decode.")
		}
		p.fields = map[string]string{}
		for k, e := range me {
			var ce schema.ConversionError
			var ue schema.UnknownKeyError
			switch {
			case errors.As(e, &ue):
				return nil, malformed("The form has an unknown field %.60q.", ue.Key)
			case errors.As(e, &ce):
				p.fields[k] = conversionMessage(ce.Type)
			default:
				return nil, malformed("The field %.60q does not decode.", k)
			}
		}
	}
	if len(files) > 0 {
		v := reflect.ValueOf(in).Elem()
		for name, file := range files {
			f, ok := c.Field(name)
			if !ok || !f.File {
				return nil, malformed("The form has an unknown file field %.60q.", name)
			}
			fv := v.FieldByIndex(f.index)
			if fv.Kind() == reflect.Pointer {
				fv.Set(reflect.ValueOf(file))
			} else {
				fv.Set(reflect.ValueOf(*file))
			}
		}
	}
	return p, nil
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

// safeDecode runs the schema decoder, turning a panic in it into an error.
func (r *Registry) safeDecode(in any, values url.Values) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("schema panic: %v", v)
		}
	}()
	return r.decoder.Decode(in, values)
}

// openBound opens sealed bound arguments for c, which are bound to the
// action ID they were rendered with.
func (r *Registry) openBound(c *core, sealed string, res *Result) (url.Values, error) {
	wantBound := len(c.opts.bound) > 0
	switch {
	case sealed == "" && !wantBound:
		return nil, nil
	case sealed == "":
		return nil, malformed("The form's bound arguments are missing.")
	case !wantBound:
		return nil, malformed("The form sends bound arguments its action does not take.")
	}
	key := res.ID + "\x00" + sealed
	if vs, ok := r.opened.get(key); ok {
		return vs, nil // opened for this very action ID before; callers only read it
	}
	pt, err := r.keys.Open("bound", sealed, []byte(res.ID))
	if err != nil {
		return nil, malformed("The form's bound arguments were altered or belong to another form.")
	}
	vs, err := url.ParseQuery(string(pt))
	if err != nil {
		return nil, malformed("The form's bound arguments do not decode.")
	}
	for k := range vs {
		if f, ok := c.Field(k); !ok || !f.Bound {
			return nil, malformed("The form's bound arguments name an unbound field.")
		}
	}
	r.opened.put(key, vs)
	return vs, nil
}

func conversionMessage(t reflect.Type) string {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice) {
		t = t.Elem()
	}
	if t == nil {
		return "This value is not valid."
	}
	switch {
	case t == timeType:
		return "Enter a valid date."
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "Enter a whole number."
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "Enter a number."
	case t.Kind() == reflect.Bool:
		return "Choose yes or no."
	}
	return "This value is not valid."
}

// bodyBuffers hold URL-encoded bodies while they are parsed; the parsed
// values copy what they keep.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// limitedBody counts the body as it streams. Its limit starts at the
// registry's ceiling and tightens to the action's once the action is known.
type limitedBody struct {
	r     io.Reader
	read  int64
	limit int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	room := b.limit - b.read + 1 // one byte more than the limit tells "too large"
	if room <= 0 {
		return 0, b.tooLarge()
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	if b.read > b.limit {
		return n, b.tooLarge()
	}
	return n, err
}

func (b *limitedBody) tighten(limit int64) error {
	if limit < b.limit {
		b.limit = limit
	}
	if b.read > b.limit {
		return b.tooLarge()
	}
	return nil
}

func (b *limitedBody) tooLarge() error {
	return &Error{Kind: KindTooLarge, Message: "The submission is larger than " + humanBytes(b.limit) + ".",
		Err: fmt.Errorf("body over %d bytes", b.limit)}
}

// readError classifies an error met while reading or decoding the body.
func (b *limitedBody) readError(err error) error {
	var mbe *http.MaxBytesError
	var e *Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.As(err, &mbe):
		return b.tooLarge()
	}
	return &Error{Kind: KindMalformed, Message: "The request body could not be read.", Err: err}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
