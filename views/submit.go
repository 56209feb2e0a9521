package views

import (
	"context"
	"io"
	"maps"

	"github.com/a-h/templ"
)

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
