package views

import "context"

// Rendered is what the forms of one render of a page report about
// themselves, for the server to answer with: whether one of them showed
// the result it was rendered with, and whether one carries a one-time
// token. A server makes one with [Track] before it renders a page.
type Rendered struct {
	shown, oneTime bool
}

// ResultShown reports whether a form showed the result.
func (r *Rendered) ResultShown() bool { return r.shown }

// OneTime reports whether a form carries a one-time token (its action is
// [actions.Once]). Such a page must not be kept and shown again by Back,
// from the browser's back/forward cache or htmx's history: its token is
// spent once the form is sent. The server sends it with no-store.
func (r *Rendered) OneTime() bool { return r.oneTime }

type renderedKey struct{}

// Track returns a copy of ctx whose forms report to the returned
// [Rendered].
func Track(ctx context.Context) (context.Context, *Rendered) {
	r := &Rendered{}
	return context.WithValue(ctx, renderedKey{}, r), r
}

// rendered returns the Rendered that ctx's forms report to, or a throwaway.
func rendered(ctx context.Context) *Rendered {
	if r, ok := ctx.Value(renderedKey{}).(*Rendered); ok {
		return r
	}
	return &Rendered{}
}
