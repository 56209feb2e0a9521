package views

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/formwork-dev/formwork/actions"
)

// Check renders c and checks its forms with [CheckHTML].
func Check(ctx context.Context, reg *actions.Registry, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		return err
	}
	return CheckHTML(reg, &buf)
}

// CheckHTML checks every form in the HTML document r that carries an
// "_action" field: the ID must name an action of reg, and every named
// input, select, textarea and button must be a form field of the action's
// input, and not a bound one. It reports every problem it finds, so that a
// renamed struct field fails a test instead of dropping input in production.
func CheckHTML(reg *actions.Registry, r io.Reader) error {
	doc, err := html.Parse(r)
	if err != nil {
		return err
	}
	var errs []error
	for form := range doc.Descendants() {
		if form.Type != html.ElementNode || form.Data != "form" {
			continue
		}
		var names []string
		var id string
		for n := range form.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			switch n.Data {
			case "input", "select", "textarea", "button":
			default:
				continue
			}
			name := attr(n, "name")
			if name == actions.FieldAction {
				id = attr(n, "value")
			} else if name != "" && !strings.HasPrefix(name, "_") {
				names = append(names, name)
			}
		}
		if id == "" {
			continue
		}
		h, err := reg.Lookup(id)
		if err != nil {
			errs = append(errs, fmt.Errorf("form %q: %w", attr(form, "id"), err))
			continue
		}
		for _, name := range names {
			f, ok := h.Field(name)
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("form %q of %s: field %q is not a form field of its input", attr(form, "id"), h.Name(), name))
			case f.Bound:
				errs = append(errs, fmt.Errorf("form %q of %s: field %q is bound and must not be an input", attr(form, "id"), h.Name(), name))
			}
		}
	}
	return errors.Join(errs...)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
