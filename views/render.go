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
	st, opts := f.st, f.opts
	h := writer{ctx: ctx, w: w}
	a := attrWriter{w: &h, extra: opts.Attrs}
	h.raw("<form")
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
	h.raw(`><input type="hidden" name="` + actions.FieldAction + `" value="`)
	h.text(st.h.ID())
	h.raw(`">`)
	if f.sealed != "" {
		h.raw(`<input type="hidden" name="` + actions.FieldBound + `" value="`)
		h.text(f.sealed)
		h.raw(`">`)
	}
	h.raw(`<input type="hidden" name="` + actions.FieldForm + `" value="`)
	h.text(st.domID)
	h.raw(`">`)
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

// field renders a labelled control of the enclosing form, with its error.
func field(name, label string, c control, attrs []templ.Attributes, options []Choice) templ.Component {
	extra := mergeExtra(attrs)
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		st := stateFrom(ctx)
		if st == nil {
			return nil
		}
		f, ok := st.h.Field(name)
		if !ok {
			f = actions.Field{Name: name} // CheckHTML reports it; render it plainly
		}
		f.Name = name // with its indices, such as items.0.qty
		id := st.fieldID(name)
		if own, ok := extra["id"].(string); ok && own != "" {
			id = own // the label and the error follow it
		}
		typ := ""
		if c == inputControl {
			typ = inputType(f)
		}
		msg := st.fieldError(name)
		value := st.values.Get(name)
		if f.Sensitive {
			value = "" // never shown, whichever control and values
		}
		h := writer{ctx: ctx, w: w}
		switch {
		case typ == "checkbox" && msg != "":
			h.raw(`<div class="fw-field fw-invalid fw-check">`)
		case typ == "checkbox":
			h.raw(`<div class="fw-field fw-check">`)
		case msg != "":
			h.raw(`<div class="fw-field fw-invalid">`)
		default:
			h.raw(`<div class="fw-field">`)
		}
		h.raw(`<label for="`)
		h.text(id)
		h.raw(`">`)
		h.text(label)
		h.raw(`</label>`)
		switch c {
		case inputControl:
			h.raw("<input")
			st.writeControlAttrs(&h, f, id, typ, c, extra)
			h.raw(">")
		case textareaControl:
			h.raw("<textarea")
			st.writeControlAttrs(&h, f, id, typ, c, extra)
			h.raw(">")
			h.text(value)
			h.raw("</textarea>")
		case selectControl:
			h.raw("<select")
			st.writeControlAttrs(&h, f, id, typ, c, extra)
			h.raw(">")
			for _, o := range options {
				h.raw(`<option value="`)
				h.text(o.Value)
				if o.Value == value {
					h.raw(`" selected>`)
				} else {
					h.raw(`">`)
				}
				h.text(o.Label)
				h.raw("</option>")
			}
			h.raw("</select>")
		}
		if msg != "" {
			h.raw(`<p class="fw-error" id="`)
			h.text(id + "-error")
			h.raw(`">`)
			h.text(msg)
			h.raw(`</p>`)
		}
		h.raw("</div>")
		return h.err
	})
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
