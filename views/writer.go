package views

import (
	"context"
	"io"
	"strings"

	"github.com/a-h/templ"
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

// hidden writes a hidden input.
func (h *writer) hidden(name, value string) {
	h.raw(`<input type="hidden" name="`)
	h.raw(name)
	h.raw(`" value="`)
	h.text(value)
	h.raw(`">`)
}
