package views

import (
	"context"
	"io"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
)

// FormOptions configures a [Form]. The zero value is ready to use.
type FormOptions struct {
	// ID is the form's DOM id and fragment name. The default derives it from
	// the action ID and Key.
	ID string
	// Key tells apart several forms of one action on a page, such as an
	// Archive button per project.
	Key string
	// Bind holds the bound arguments (see [actions.Bound]), sealed into
	// the form.
	Bind url.Values
	// Values are the fields' initial values, shown until a submit fails.
	Values url.Values
	// Target is the DOM id of the element htmx replaces with the response:
	// a [Region] around the form and more, such as a list it adds to. The
	// default is the form itself.
	Target string
	// Path is where the form posts. The default is the page's own path, as
	// the server puts it in the context ([WithPath]).
	Path string
	// Class is added to the form's class attribute.
	Class string
	// Attrs are extra attributes for the form element.
	Attrs templ.Attributes
}

type formState struct {
	h      actions.Handler
	res    *actions.Result // the result, when it is this form's
	values url.Values
	domID  string
}

type stateKey struct{}
type pathKey struct{}

// WithPath returns a copy of ctx in which forms post to path by default.
// Servers call it before rendering a page.
func WithPath(ctx context.Context, path string) context.Context {
	return context.WithValue(ctx, pathKey{}, path)
}

func stateFrom(ctx context.Context) *formState {
	st, _ := ctx.Value(stateKey{}).(*formState)
	return st
}

// DOMID returns the default DOM id of a form for h with the given key.
func DOMID(h actions.Handler, key string) string {
	id := "f-" + h.ID()
	if key != "" {
		id += "-" + sanitizeID(key)
	}
	return id
}

func sanitizeID(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return r
		}
		return '-'
	}, s)
}

// Form renders a form for the action h, showing res when res is this
// form's result (see [actions.Result.For]). Its children are the inputs.
func Form(h actions.Handler, res *actions.Result, opts FormOptions) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		st := &formState{h: h, domID: opts.ID, values: opts.Values}
		if st.domID == "" {
			st.domID = DOMID(h, opts.Key)
		}
		if res.For(h.ID()) && (res.Form == "" || res.Form == st.domID) {
			st.res = res
			if !res.OK() && res.Values != nil {
				st.values = res.Values // what was sent; before decoding, the initial values stay
			}
		}
		var sealed string
		if len(opts.Bind) > 0 {
			var err error
			if sealed, err = h.Seal(opts.Bind); err != nil {
				return err
			}
		}
		path := opts.Path
		if path == "" {
			path, _ = ctx.Value(pathKey{}).(string)
		}
		shell := &formShell{st: st, opts: &opts, path: path, sealed: sealed, children: templ.GetChildren(ctx)}
		ctx = context.WithValue(templ.ClearChildren(ctx), stateKey{}, st)
		if opts.Target != "" {
			return shell.Render(ctx, w) // the Region around it is the fragment
		}
		return templ.Fragment(st.domID).Render(templ.WithChildren(ctx, shell), w)
	})
}

// formShell is the form element with its children, as one component.
type formShell struct {
	st       *formState
	opts     *FormOptions
	path     string
	sealed   string
	children templ.Component
}

// Render writes the form. templ.Fragment passes the shell itself as the
// children in ctx, which its own children must not see.
func (f *formShell) Render(ctx context.Context, w io.Writer) error {
	return renderForm(templ.ClearChildren(ctx), w, f)
}

// fieldID is the DOM id of an input.
func (st *formState) fieldID(name string) string { return st.domID + "-" + sanitizeID(name) }

func (st *formState) fieldError(name string) string {
	if st.res == nil {
		return ""
	}
	return st.res.Fields[name]
}

// formError is the form-level error to show, if any.
func (st *formState) formError() string {
	if st.res == nil || st.res.OK() {
		return ""
	}
	msg := st.res.Error
	if st.res.Digest != "" {
		msg += " (reference " + st.res.Digest + ")"
	}
	return msg
}

func (st *formState) message() string {
	if st.res != nil && st.res.OK() {
		return st.res.Message
	}
	return ""
}

// control is the kind of element a field renders as.
type control int

const (
	inputControl control = iota
	textareaControl
	selectControl
)

// attrs is an ordered attribute list: templ renders it as built, with no
// map and no sorting.
type attrs templ.OrderedAttributes

func (a *attrs) set(key string, value any) {
	for i := range *a {
		if (*a)[i].Key == key {
			(*a)[i].Value = value
			return
		}
	}
	*a = append(*a, templ.KeyValue[string, any]{Key: key, Value: value})
}

// merge sets extra attributes over a's, in key order so that output is
// deterministic.
func (a *attrs) merge(extra []templ.Attributes) {
	for _, e := range extra {
		for _, k := range slices.Sorted(maps.Keys(e)) {
			a.set(k, e[k])
		}
	}
}

// attrWriter writes a control's attributes straight to the output. Extra
// attributes given by the caller replace derived ones of the same name and
// are written last, in key order.
type attrWriter struct {
	w     *writer
	extra map[string]any
}

func (a attrWriter) str(key, value string) {
	if _, ok := a.extra[key]; ok || value == "" {
		return
	}
	a.w.raw(" ")
	a.w.raw(key)
	a.w.raw(`="`)
	a.w.text(value)
	a.w.raw(`"`)
}

func (a attrWriter) flag(key string, on bool) {
	if _, ok := a.extra[key]; ok || !on {
		return
	}
	a.w.raw(" ")
	a.w.raw(key)
}

func (a attrWriter) finish() {
	switch len(a.extra) {
	case 0:
	case 1:
		a.w.attrs(templ.Attributes(a.extra)) // one key needs no ordering
	default:
		ordered := make(attrs, 0, len(a.extra))
		ordered.merge([]templ.Attributes{a.extra})
		a.w.attrs(templ.OrderedAttributes(ordered))
	}
}

// mergeExtra flattens the extra attribute maps given to a control.
func mergeExtra(extra []templ.Attributes) map[string]any {
	switch len(extra) {
	case 0:
		return nil
	case 1:
		return extra[0]
	}
	out := map[string]any{}
	for _, e := range extra {
		maps.Copy(out, e)
	}
	return out
}

// writeControlAttrs writes a control's attributes from the action's field:
// id, name, type and value, constraints from the validate tag (none for a
// slice), the error's aria attributes, then extra.
func (st *formState) writeControlAttrs(w *writer, f actions.Field, id, typ string, c control, extra map[string]any) {
	a := attrWriter{w: w, extra: extra}
	a.str("id", id)
	a.str("name", f.Name)
	if c == inputControl {
		a.str("type", typ)
		switch v := st.values.Get(f.Name); {
		case typ == "checkbox":
			a.str("value", "true")
			a.flag("checked", v == "true" || v == "on")
		case typ == "file" || f.Sensitive:
		default:
			a.str("value", v)
		}
	}
	if !isSlice(f) {
		writeConstraints(a, f, typ, c)
	}
	if st.fieldError(f.Name) != "" {
		a.str("aria-invalid", "true")
		if _, ok := a.extra["aria-describedby"]; !ok {
			a.w.raw(` aria-describedby="`)
			a.w.text(id)
			a.w.raw(`-error"`)
		}
	}
	a.finish()
}

// writeConstraints writes the constraint attributes of f's validate tag:
// required, minlength and maxlength for strings, min and max for numbers.
func writeConstraints(a attrWriter, f actions.Field, typ string, c control) {
	_, required := f.Rule("required")
	a.flag("required", required)
	if c != selectControl {
		numeric := typ == "number"
		textual := !numeric && f.Kind() == reflect.String
		if p, ok := f.Rule("len"); ok && textual {
			a.str("minlength", p)
			a.str("maxlength", p)
		}
		for _, r := range [...][3]string{{"min", "min", "minlength"}, {"gte", "min", "minlength"},
			{"max", "max", "maxlength"}, {"lte", "max", "maxlength"}} {
			p, ok := f.Rule(r[0])
			switch {
			case !ok:
			case numeric:
				a.str(r[1], p)
			case textual:
				a.str(r[2], p)
			}
		}
	}
}

// isSlice reports whether f is a slice, such as Tags []string, whose own
// rules count its values: the max=3 of "max=3,dive,max=20" allows three
// tags, not three characters in each. The rules after dive, which apply
// to each value, are not among f's rules, so a slice's inputs get none.
// The fields of a repeated struct, such as items.0.qty, are not slices.
func isSlice(f actions.Field) bool {
	return strings.HasPrefix(strings.TrimLeft(f.Type, "*"), "[]")
}

func inputType(f actions.Field) string {
	switch {
	case f.Sensitive:
		return "password"
	case f.File:
		return "file"
	}
	if _, ok := f.Rule("email"); ok {
		return "email"
	}
	if _, ok := f.Rule("url"); ok {
		return "url"
	}
	switch k := f.Kind(); {
	case k == reflect.Bool:
		return "checkbox"
	case k >= reflect.Int && k <= reflect.Float64:
		return "number"
	case f.Type == "time.Time" || f.Type == "*time.Time":
		return "date"
	}
	return "text"
}

// Choice is one option of a [Select].
type Choice struct {
	Value, Label string
}

// htmx2Config keeps htmx 2's defaults and adds the statuses whose body is a
// form fragment: 422 (invalid input) and the errors a form shows in place.
const htmx2Config = `{"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"(400|403|409|413|500)","swap":true,"error":true},{"code":"[45]..","swap":false,"error":true},{"code":"...","swap":false}]}`

// submitAttrs builds a button's attributes; a class is added to fw-submit.
func submitAttrs(extra []templ.Attributes) templ.OrderedAttributes {
	a := attrs{{Key: "type", Value: "submit"}, {Key: "class", Value: "fw-submit"}}
	for _, e := range extra {
		if c, ok := e["class"].(string); ok {
			a.set("class", "fw-submit "+c)
			e = maps.Clone(e)
			delete(e, "class")
		}
		a.merge([]templ.Attributes{e})
	}
	return templ.OrderedAttributes(a)
}
