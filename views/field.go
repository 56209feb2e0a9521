package views

import (
	"context"
	"io"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
)

// control is the kind of element a field renders as.
type control int

const (
	inputControl control = iota
	textareaControl
	selectControl
)

// Choice is one option of a [Select].
type Choice struct {
	Value, Label string
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
	hint    string // words under the control when it has no error
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
	v.hint = st.hint(f, c)
	return v
}

// hint is what the field says under its control when it has no error: a
// sensitive input that was filled in, empty again after a failed submit,
// says why.
func (st *formState) hint(f actions.Field, c control) string {
	if f.Sensitive && c == inputControl && st.res != nil && !st.res.OK() && st.fieldError(f.Name) == "" && st.values.Has(f.Name) {
		return "Enter this again: it is never sent back."
	}
	return ""
}

// render writes the field: its wrapper, label, control, and error or hint.
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
		h.text(v.id)
		h.raw("-error")
		h.raw(`">`)
		h.text(v.msg)
		h.raw(`</p>`)
	}
	if v.hint != "" {
		h.raw(`<p class="fw-hint" id="`)
		h.text(v.id)
		h.raw(`-hint">`)
		h.text(v.hint)
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
