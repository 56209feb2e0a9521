package views_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/views"
)

// problems returns the lines of err, one per problem CheckHTML found.
func problems(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

func TestCheckHTML(t *testing.T) {
	a := newApp(t)
	hidden := func(h actions.Handler) string {
		return `<input type="hidden" name="_action" value="` + h.ID() + `">`
	}
	tests := []struct {
		name  string
		page  string
		want  []string       // the problems reported, in order
		kinds []actions.Kind // the kinds of *actions.Error among them
	}{
		{
			name: "every field decodes",
			page: `<form id="p">` + hidden(a.profile) + `<input type="hidden" name="_form" value="p">
				<input name="name"><input name="email"><input name="items.3.qty"><select name="plan"></select>
				<textarea name="bio"></textarea><button>Save</button></form>`,
		},
		{
			name: "renamed field",
			page: `<form id="p">` + hidden(a.profile) + `<input name="full_name"><input name="email"></form>`,
			want: []string{`form "p" of profile: field "full_name" is not a form field of its input`},
		},
		{
			name: "renamed field in a select, a textarea and a button",
			page: `<form id="p">` + hidden(a.profile) + `<select name="tier"></select><textarea name="about"></textarea>
				<button name="intent" value="save">Save</button></form>`,
			want: []string{
				`form "p" of profile: field "tier" is not a form field of its input`,
				`form "p" of profile: field "about" is not a form field of its input`,
				`form "p" of profile: field "intent" is not a form field of its input`,
			},
		},
		{
			name: "bound field as an input",
			page: `<form id="a">` + hidden(a.archive) + `<input name="project_id" value="7"><input name="reason"></form>`,
			want: []string{`form "a" of archive: field "project_id" is bound and must not be an input`},
		},
		{
			name:  "unknown action ID",
			page:  `<form id="old"><input type="hidden" name="_action" value="AAAAAAAAAAAAAAAAAAAAAA"><input name="name"></form>`,
			want:  []string{`form "old": ` + lookupError(t, a, "AAAAAAAAAAAAAAAAAAAAAA")},
			kinds: []actions.Kind{actions.KindUnknownAction},
		},
		{
			name:  "malformed action ID",
			page:  `<form id="bad"><input type="hidden" name="_action" value="not an id"></form>`,
			want:  []string{`form "bad": ` + lookupError(t, a, "not an id")},
			kinds: []actions.Kind{actions.KindMalformed},
		},
		{
			name: "malformed document",
			page: `<p><b>unclosed <form id=p>` + hidden(a.profile) + `<div><input name=name></p><input name=nick></b><table><tr><td><input name='age'>`,
			want: []string{`form "p" of profile: field "nick" is not a form field of its input`},
		},
		{
			name: "form without an action ID",
			page: `<form action="/search"><input name="q"></form>`,
		},
		{
			name: "formwork's own fields and unnamed inputs",
			page: `<form>` + hidden(a.archive) + `<input type="hidden" name="_bound" value="x"><input type="hidden" name="_form" value="f">
				<input type="hidden" name="_csrf" value="y"><input type="submit"><button>Go</button></form>`,
		},
		{
			name: "every problem of every form",
			page: `<form id="one">` + hidden(a.profile) + `<input name="a"><input name="b"></form>
				<form id="two">` + hidden(a.archive) + `<input name="project_id"></form>`,
			want: []string{
				`form "one" of profile: field "a" is not a form field of its input`,
				`form "one" of profile: field "b" is not a form field of its input`,
				`form "two" of archive: field "project_id" is bound and must not be an input`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := views.CheckHTML(a.reg, strings.NewReader(tt.page))
			if diff := cmp.Diff(tt.want, problems(err)); diff != "" {
				t.Errorf("problems differ (-want +got):\n%s", diff)
			}
			for _, k := range tt.kinds {
				if !errors.Is(err, &actions.Error{Kind: k}) {
					t.Errorf("error %v is not of kind %v", err, k)
				}
			}
		})
	}
}

// lookupError is the message of the error that a.reg's Lookup returns for
// id, which names no action.
func lookupError(t *testing.T, a *app, id string) string {
	t.Helper()
	_, err := a.reg.Lookup(id)
	if err == nil {
		t.Fatalf("Lookup(%q) found an action", id)
	}
	return err.Error()
}

// failingReader fails every read.
type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

func TestCheckHTMLReadError(t *testing.T) {
	a := newApp(t)
	broken := errors.New("connection reset")
	if err := views.CheckHTML(a.reg, io.MultiReader(strings.NewReader("<form>"), failingReader{broken})); !errors.Is(err, broken) {
		t.Fatalf("CheckHTML = %v, want %v", err, broken)
	}
}

func TestCheck(t *testing.T) {
	a := newApp(t)
	tests := []struct {
		name string
		page templ.Component
		want []string
	}{
		{
			name: "inputs of the action",
			page: withForm(views.Form(a.profile, nil, views.FormOptions{}),
				views.Input("name", "Name"), views.Input("items.0.qty", "Quantity"), views.Select("plan", "Plan", nil),
				views.TextArea("bio", "Bio"), views.Submit("Save", "Saving…")),
		},
		{
			name: "bound arguments in the seal",
			page: withForm(views.Form(a.archive, nil, views.FormOptions{Bind: map[string][]string{"project_id": {"7"}}}),
				views.Input("reason", "Reason")),
		},
		{
			name: "renamed field",
			page: withForm(views.Form(a.profile, nil, views.FormOptions{ID: "p"}), views.Input("full_name", "Name")),
			want: []string{`form "p" of profile: field "full_name" is not a form field of its input`},
		},
		{
			name: "bound field as an input",
			page: withForm(views.Form(a.archive, nil, views.FormOptions{ID: "a"}), views.Input("project_id", "Project")),
			want: []string{`form "a" of archive: field "project_id" is bound and must not be an input`},
		},
		{
			name: "a field that is not bound in the seal",
			page: views.Form(a.archive, nil, views.FormOptions{Bind: map[string][]string{"reason": {"x"}}}),
			want: []string{`actions: "reason" is not a bound field of "archive"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := views.Check(t.Context(), a.reg, tt.page)
			if diff := cmp.Diff(tt.want, problems(err)); diff != "" {
				t.Errorf("problems differ (-want +got):\n%s", diff)
			}
		})
	}
}
