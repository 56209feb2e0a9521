package views

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// htmx2Config keeps htmx 2's defaults but its inline indicator styles, and
// adds the statuses whose body is a form fragment: 422 (invalid input) and
// the errors a form shows in place. Those are answers the page shows, not
// failures of the request, so htmx logs no console error for them.
const htmx2Config = `{"includeIndicatorStyles":false,"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"(400|401|403|404|409|413|415|429|500|503)","swap":true,"error":false},{"code":"[45]..","swap":false,"error":true},{"code":"...","swap":false}]}`

// htmxMeta is the HTMXConfig tag, escaped once.
var htmxMeta = `<meta name="htmx-config" content="` + templ.EscapeString(htmx2Config) + `">`

// HTMXConfig is the meta tag that makes htmx 2 swap the form fragments
// that formwork answers with 4xx and 5xx statuses, as htmx 4 does by
// default, and keeps htmx 2 from adding an inline style element, which a
// strict Content-Security-Policy refuses (formwork.css has its indicator
// styles). Put it in the page head.
func HTMXConfig() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, htmxMeta)
		return err
	})
}
