package views

import (
	"context"
	"io"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
)

// NoticeID is the DOM id, and the templ fragment name, of the page's one
// message slot, [Notice].
const NoticeID = "fw-notice"

// Notice is the page's one message slot: put it once in the layout. It
// shows what no form on the page shows:
//
//   - the one-time message after a submit that redirected here;
//   - the words of a submit whose form is not on the page: out of date (an
//     older deploy), removed by the action itself (the row it archived),
//     or gone since (a 404, a 403 for a form this user no longer sees).
//
// A form's own result shows in the form and never here too: the server
// renders the page again, with [WithResultUnshown], when no form showed
// it. The slot is always rendered, empty when there is nothing to say, so
// that every action's answer to htmx replaces it, out of band with a
// fragment ([WithOutOfBand]) or as part of the page morphed in after a
// success, and every action clears the last message.
func Notice(res *actions.Result) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		slot := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			return writeNotice(ctx, w, noticeText(ctx, res))
		})
		return templ.Fragment(NoticeID).Render(templ.WithChildren(ctx, slot), w)
	})
}

// noticeText is what the slot says for res, and whether it is an error.
func noticeText(ctx context.Context, res *actions.Result) notice {
	switch {
	case res == nil, res.Action != "" && !resultUnshown(ctx):
		return notice{}
	case res.OK():
		return notice{text: res.Message}
	}
	text := res.Error
	if res.Digest != "" {
		text += " (reference " + res.Digest + ")"
	}
	return notice{text: text, failed: true}
}

type notice struct {
	text   string
	failed bool
}

func writeNotice(ctx context.Context, w io.Writer, n notice) error {
	h := writer{ctx: ctx, w: w}
	h.raw(`<div id="` + NoticeID + `" class="fw-notice-slot"`)
	if outOfBand(ctx) {
		h.raw(` hx-swap-oob="true"`)
	}
	switch {
	case n.text == "":
		h.raw(` aria-live="polite"></div>`)
	case n.failed:
		h.raw(` aria-live="polite"><div class="fw-notice fw-notice-error" role="alert">`)
	default:
		h.raw(` aria-live="polite"><div class="fw-notice fw-notice-ok" role="status">`)
	}
	if n.text != "" {
		h.text(n.text)
		h.raw(`</div></div>`)
	}
	return h.err
}

type (
	outOfBandKey     struct{}
	resultUnshownKey struct{}
	resultShownKey   struct{}
)

// WithOutOfBand returns a copy of ctx in which [Notice] renders for an
// htmx out-of-band swap. Servers set it for the responses to htmx actions.
func WithOutOfBand(ctx context.Context) context.Context {
	return context.WithValue(ctx, outOfBandKey{}, true)
}

func outOfBand(ctx context.Context) bool { return ctx.Value(outOfBandKey{}) != nil }

// WithResultUnshown returns a copy of ctx in which [Notice] shows the
// result of an action, for a render in which no form shows it.
func WithResultUnshown(ctx context.Context) context.Context {
	return context.WithValue(ctx, resultUnshownKey{}, true)
}

func resultUnshown(ctx context.Context) bool { return ctx.Value(resultUnshownKey{}) != nil }
