package views

import (
	"context"
	"io"
	"strings"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
)

// The components a form renders many times are written in Go, escaping
// with templ's own functions: templ's generated code formats every string
// expression with fmt, which is most of a form's allocations.

// writer writes HTML, keeping the first error.
type writer struct {
	ctx context.Context
	w   io.Writer
	err error
}

func (h *writer) raw(s string) {
	if h.err == nil {
		_, h.err = io.WriteString(h.w, s)
	}
}

// text writes s escaped; most values need no escaping and are written as
// they are.
func (h *writer) text(s string) {
	if strings.ContainsAny(s, `<>&'"`) {
		s = templ.EscapeString(s)
	}
	h.raw(s)
}

func (h *writer) attrs(a templ.Attributer) {
	if h.err == nil {
		h.err = templ.RenderAttributes(h.ctx, h.w, a)
	}
}

func (h *writer) component(c templ.Component) {
	if h.err == nil {
		h.err = c.Render(h.ctx, h.w)
	}
}

// renderForm writes the form element: its attributes, the action ID first,
// the sealed bound arguments, the form's DOM id, its error or message, then
// its children.
func renderForm(ctx context.Context, w io.Writer, f *formShell) error {
	st := f.st
	h := writer{ctx: ctx, w: w}
	h.raw("<form")
	f.writeAttrs(&h)
	h.raw(">")
	h.hidden(actions.FieldAction, st.h.ID())
	if f.sealed != "" {
		h.hidden(actions.FieldBound, f.sealed)
	}
	h.hidden(actions.FieldForm, st.domID)
	if msg := st.formError(); msg != "" {
		h.raw(`<p class="fw-form-error" role="alert" id="`)
		h.text(st.domID)
		h.raw(`-error">`)
		h.text(msg)
		h.raw(`</p>`)
	}
	if msg := st.message(); msg != "" {
		h.raw(`<p class="fw-message" role="status">`)
		h.text(msg)
		h.raw(`</p>`)
	}
	h.component(f.children)
	h.raw("</form>")
	return h.err
}

// writeAttrs writes the form element's attributes: id, method and action,
// its class, the htmx attributes that post it and swap its target, then
// the caller's own.
func (f *formShell) writeAttrs(h *writer) {
	st, opts := f.st, f.opts
	a := attrWriter{w: h, extra: opts.Attrs}
	a.str("id", st.domID)
	a.str("method", "post")
	a.str("action", f.path)
	if _, ok := opts.Attrs["class"]; !ok {
		h.raw(` class="fw-form`)
		if opts.Class != "" {
			h.raw(" ")
			h.text(opts.Class)
		}
		h.raw(`"`)
	}
	if f.path != "" {
		a.str("hx-post", f.path)
		if _, ok := opts.Attrs["hx-target"]; !ok {
			target := opts.Target
			if target == "" {
				target = st.domID
			}
			h.raw(` hx-target="#`)
			h.text(target)
			h.raw(`"`)
		}
		a.str("hx-swap", "outerHTML")
	}
	a.finish()
}

// hidden writes a hidden input.
func (h *writer) hidden(name, value string) {
	h.raw(`<input type="hidden" name="`)
	h.raw(name)
	h.raw(`" value="`)
	h.text(value)
	h.raw(`">`)
}

// fieldView is one labelled control being rendered, with what it shows.
type fieldView struct {
	st      *formState
	f       actions.Field
	c       control
	id      string
	typ     string // the input type, for inputControl
	label   string
	msg     string // the field's error
	value   string
	extra   map[string]any
	options []Choice
}

// field renders a labelled control of the enclosing form, with its error.
func field(name, label string, c control, attrs []templ.Attributes, options []Choice) templ.Component {
	extra := mergeExtra(attrs)
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		st := stateFrom(ctx)
		if st == nil {
			return nil
		}
		v := st.fieldView(name, label, c, extra)
		v.options = options
		h := writer{ctx: ctx, w: w}
		v.render(&h)
		return h.err
	})
}

// fieldView works out what the control for the field name shows.
func (st *formState) fieldView(name, label string, c control, extra map[string]any) fieldView {
	f, ok := st.h.Field(name)
	if !ok {
		f = actions.Field{Name: name} // CheckHTML reports it; render it plainly
	}
	f.Name = name // with its indices, such as items.0.qty
	v := fieldView{st: st, f: f, c: c, id: st.fieldID(name), label: label, msg: st.fieldError(name),
		value: st.values.Get(name), extra: extra}
	if own, ok := extra["id"].(string); ok && own != "" {
		v.id = own // the label and the error follow it
	}
	if c == inputControl {
		v.typ = inputType(f)
	}
	if f.Sensitive {
		v.value = "" // never shown, whichever control and values
	}
	return v
}

// render writes the field: its wrapper, label, control and error.
func (v *fieldView) render(h *writer) {
	switch {
	case v.typ == "checkbox" && v.msg != "":
		h.raw(`<div class="fw-field fw-invalid fw-check">`)
	case v.typ == "checkbox":
		h.raw(`<div class="fw-field fw-check">`)
	case v.msg != "":
		h.raw(`<div class="fw-field fw-invalid">`)
	default:
		h.raw(`<div class="fw-field">`)
	}
	h.raw(`<label for="`)
	h.text(v.id)
	h.raw(`">`)
	h.text(v.label)
	h.raw(`</label>`)
	v.renderControl(h)
	if v.msg != "" {
		h.raw(`<p class="fw-error" id="`)
		h.text(v.id + "-error")
		h.raw(`">`)
		h.text(v.msg)
		h.raw(`</p>`)
	}
	h.raw("</div>")
}

// renderControl writes the input, textarea or select.
func (v *fieldView) renderControl(h *writer) {
	tag := [...]string{inputControl: "input", textareaControl: "textarea", selectControl: "select"}[v.c]
	h.raw("<")
	h.raw(tag)
	v.st.writeControlAttrs(h, v.f, v.id, v.typ, v.c, v.extra)
	h.raw(">")
	switch v.c {
	case textareaControl:
		h.text(v.value)
	case selectControl:
		for _, o := range v.options {
			h.raw(`<option value="`)
			h.text(o.Value)
			if o.Value == v.value {
				h.raw(`" selected>`)
			} else {
				h.raw(`">`)
			}
			h.text(o.Label)
			h.raw("</option>")
		}
	case inputControl:
		return // a void element
	}
	h.raw("</")
	h.raw(tag)
	h.raw(">")
}

// Input renders a labelled input for the field name of the enclosing form's
// action: its type and constraint attributes (required, maxlength, min,
// max, type=email) come from the field's Go type and validate tag, its
// value from the form's values (never a sensitive field's), and its error
// with aria-invalid and aria-describedby. Attrs override what Input derives;
// the label and the error follow an id among them.
func Input(name, label string, attrs ...templ.Attributes) templ.Component {
	return field(name, label, inputControl, attrs, nil)
}

// TextArea renders a labelled textarea for the field name. Like [Input],
// it never shows a sensitive field's value.
func TextArea(name, label string, attrs ...templ.Attributes) templ.Component {
	return field(name, label, textareaControl, attrs, nil)
}

// Select renders a labelled select for the field name, with options.
func Select(name, label string, options []Choice, attrs ...templ.Attributes) templ.Component {
	return field(name, label, selectControl, attrs, options)
}

// Submit renders the form's submit button. While an htmx request is in
// flight the form carries the htmx-request class, and the button shows
// pending instead of label and takes no clicks. A class in attrs is added
// to the button's.
func Submit(label, pending string, attrs ...templ.Attributes) templ.Component {
	a := submitAttrs(attrs)
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		h := writer{ctx: ctx, w: w}
		h.raw("<button")
		h.attrs(a)
		h.raw(`><span class="fw-label">`)
		h.text(label)
		h.raw(`</span><span class="fw-pending htmx-indicator" aria-hidden="true">`)
		h.text(pending)
		h.raw(`</span></button>`)
		return h.err
	})
}

// htmxMeta is the HTMXConfig tag, escaped once.
var htmxMeta = `<meta name="htmx-config" content="` + templ.EscapeString(htmx2Config) + `">`

// HTMXConfig is the meta tag that makes htmx 2 swap the form fragments
// that formwork answers with 4xx and 5xx statuses, as htmx 4 does by
// default. Put it in the page head.
func HTMXConfig() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, htmxMeta)
		return err
	})
}
