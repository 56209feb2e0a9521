package views

import (
	"context"
	"io"
	"net/url"
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
	// Target is the DOM id of the element htmx replaces with the response
	// to a failed submit: a [Region] around the form and more, such as a
	// list it adds to. The default is the form itself. After a success the
	// server sends the whole page, which htmx morphs into the body.
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
	h       actions.Handler
	res     *actions.Result // the result, when it is this form's
	values  url.Values
	domID   string
	focused bool // the first invalid field has taken autofocus
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
			rendered(ctx).shown = true
			if !res.OK() && res.Values != nil {
				st.values = res.Values // what was sent; before decoding, the initial values stay
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
		once, err := h.OnceToken()
		if err != nil {
			return err
		}
		shell := &formShell{st: st, opts: &opts, path: path, sealed: sealed, once: once, children: templ.GetChildren(ctx)}
		ctx = context.WithValue(templ.ClearChildren(ctx), stateKey{}, st)
		if opts.Target != "" {
			return shell.Render(ctx, w) // the Region around it is the fragment
		}
		return templ.Fragment(st.domID).Render(templ.WithChildren(ctx, shell), w)
	})
}

// formShell is the form element with its children, as one component.
type formShell struct {
	st       *formState
	opts     *FormOptions
	path     string
	sealed   string
	once     string // the one-time token of a Once action's form
	children templ.Component
}

// Render writes the form. templ.Fragment passes the shell itself as the
// children in ctx, which its own children must not see.
func (f *formShell) Render(ctx context.Context, w io.Writer) error {
	return renderForm(templ.ClearChildren(ctx), w, f)
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

// renderForm writes the form element: its attributes, the action ID first,
// the form's DOM id second, the sealed bound arguments and one-time token,
// its error or message, then its children.
func renderForm(ctx context.Context, w io.Writer, f *formShell) error {
	st := f.st
	h := writer{ctx: ctx, w: w}
	h.raw("<form")
	f.writeAttrs(&h)
	h.raw(">")
	h.hidden(actions.FieldAction, st.h.ID())
	h.hidden(actions.FieldForm, st.domID) // second: the server reads it before the body's bulk
	if f.sealed != "" {
		h.hidden(actions.FieldBound, f.sealed)
	}
	if f.once != "" {
		rendered(ctx).oneTime = true
		h.hidden(actions.FieldOnce, f.once)
	}
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
	if takesFile(st.h) {
		a.str("enctype", "multipart/form-data")
	}
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
		// One request at a time: a second submit (Enter or click) while one
		// is in flight is dropped, and htmx 2 disables the submit buttons.
		a.str("hx-sync", "this:drop")
		a.str("hx-disabled-elt", "find button[type=submit]")
		if f.once != "" {
			// htmx 2 keeps no copy of the page for Back: its token will
			// be spent, and Back loads the page anew.
			a.str("hx-history", "false")
		}
	}
	h.extraAttrs(opts.Attrs) // not through a, whose extra would take h to the heap
}

// takesFile reports whether h's input has a file field, so that its form
// must be sent as multipart/form-data.
func takesFile(h actions.Handler) bool {
	for _, f := range h.Fields() {
		if f.File {
			return true
		}
	}
	return false
}
