package views

import (
	"context"
	"io"
	"net/url"
	"reflect"
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
			if !res.OK() {
				st.values = res.Values
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
		target := opts.Target
		if target == "" {
			target = st.domID
		}
		attrs := templ.Attributes{"id": st.domID, "method": "post", "class": strings.TrimSpace("fw-form " + opts.Class)}
		if path != "" {
			attrs["action"] = path
			attrs["hx-post"] = path
			attrs["hx-target"] = "#" + target
			attrs["hx-swap"] = "outerHTML"
		}
		for k, v := range opts.Attrs {
			attrs[k] = v
		}
		children := templ.GetChildren(ctx)
		ctx = templ.ClearChildren(ctx)
		ctx = context.WithValue(ctx, stateKey{}, st)
		return formShell(st, attrs, sealed, opts.Target == "").Render(templ.WithChildren(ctx, children), w)
	})
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
	if st.res.Status == actions.StatusInvalid && len(st.res.Fields) > 0 && st.res.Error == "Please correct the errors below." {
		return st.res.Error
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

// inputAttrs builds an input's attributes from the action's field.
func (st *formState) inputAttrs(name string, extra []templ.Attributes) (templ.Attributes, actions.Field) {
	f, _ := st.h.Field(name)
	a := templ.Attributes{"id": st.fieldID(name), "name": name, "type": inputType(f)}
	switch v := st.values.Get(name); {
	case a["type"] == "checkbox":
		a["value"] = "true"
		a["checked"] = v == "true" || v == "on"
	case a["type"] == "file" || f.Sensitive:
	case v != "":
		a["value"] = v
	}
	if _, ok := f.Rule("required"); ok {
		a["required"] = true
	}
	numeric := a["type"] == "number"
	for rule, attr := range map[string]string{"min": "min", "gte": "min", "max": "max", "lte": "max", "len": ""} {
		p, ok := f.Rule(rule)
		if !ok {
			continue
		}
		switch {
		case numeric && attr != "":
			a[attr] = p
		case !numeric && rule == "len":
			a["minlength"], a["maxlength"] = p, p
		case !numeric && (f.Kind() == reflect.String):
			a[attr+"length"] = p
		}
	}
	if msg := st.fieldError(name); msg != "" {
		a["aria-invalid"] = "true"
		a["aria-describedby"] = st.fieldID(name) + "-error"
	}
	for _, e := range extra {
		for k, v := range e {
			a[k] = v
		}
	}
	return a, f
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

// Option is one choice of a [Select].
type Option struct {
	Value, Label string
}

// htmx2Config keeps htmx 2's defaults and adds the statuses whose body is a
// form fragment: 422 (invalid input) and the errors a form shows in place.
const htmx2Config = `{"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"(400|403|409|413|500)","swap":true,"error":true},{"code":"[45]..","swap":false,"error":true},{"code":"...","swap":false}]}`

// submitAttrs merges a button's attributes; a class is added to fw-submit.
func submitAttrs(attrs []templ.Attributes) templ.Attributes {
	out := templ.Attributes{"type": "submit"}
	class := "fw-submit"
	for _, a := range attrs {
		for k, v := range a {
			if s, ok := v.(string); ok && k == "class" {
				class += " " + s
				continue
			}
			out[k] = v
		}
	}
	out["class"] = class
	return out
}
