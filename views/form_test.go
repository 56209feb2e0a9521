package views_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/views"
)

func TestDOMID(t *testing.T) {
	a := newApp(t)
	tests := []struct {
		name string
		h    actions.Handler
		key  string
		want string
	}{
		{"no key", a.profile, "", "f-" + a.profile.ID()},
		{"another action", a.archive, "", "f-" + a.archive.ID()},
		{"key", a.archive, "7", "f-" + a.archive.ID() + "-7"},
		{"key kept as it is", a.archive, "Row_7-b", "f-" + a.archive.ID() + "-Row_7-b"},
		{"key with spaces and punctuation", a.archive, `a b.c/d"e#f`, "f-" + a.archive.ID() + "-a-b-c-d-e-f"},
		{"key with non-ASCII letters", a.archive, "café", "f-" + a.archive.ID() + "-caf-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := views.DOMID(tt.h, tt.key); got != tt.want {
				t.Errorf("DOMID(%s, %q) = %q, want %q", tt.h.Name(), tt.key, got, tt.want)
			}
		})
	}
}

// TestFormDOMID checks that a form takes its id, and its inputs their ids,
// from DOMID unless FormOptions.ID is set.
func TestFormDOMID(t *testing.T) {
	a := newApp(t)
	for _, opts := range []views.FormOptions{{}, {Key: "row 7"}, {ID: "mine", Key: "ignored"}} {
		want := opts.ID
		if want == "" {
			want = views.DOMID(a.archive, opts.Key)
		}
		got := fields(t, render(t, t.Context(), views.Form(a.archive, nil, opts)))
		if got["_form"] != want || got["#id"] != want {
			t.Errorf("FormOptions%+v: form id %q, _form %q, want %q", opts, got["#id"], got["_form"], want)
		}
	}
}

// fields returns the name and value of every input of the first form in
// page, and the form's id under "#id".
func fields(t *testing.T, page string) map[string]string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		attrs := map[string]string{}
		for _, a := range n.Attr {
			attrs[a.Key] = a.Val
		}
		switch {
		case n.Data == "form" && out["#id"] == "":
			out["#id"] = attrs["id"]
		case n.Data == "input":
			out[attrs["name"]] = attrs["value"]
		}
	}
	return out
}

// TestBoundArguments posts a rendered form with bound arguments back to
// its action, as a browser would: the action gets the sealed values.
func TestBoundArguments(t *testing.T) {
	a := newApp(t)
	page := render(t, t.Context(), views.Form(a.archive, nil, views.FormOptions{Key: "7", Bind: url.Values{"project_id": {"7"}}}))
	form := url.Values{}
	for name, value := range fields(t, page) {
		if !strings.HasPrefix(name, "#") {
			form.Set(name, value)
		}
	}
	if form.Get(actions.FieldBound) == "" {
		t.Fatalf("no %s field in %s", actions.FieldBound, page)
	}
	form.Set("reason", "done")
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/projects", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res := a.reg.Invoke(httptest.NewRecorder(), req, "")
	if !res.OK() {
		t.Fatalf("the submit failed: %v %v %s", res.Status, res.Kind, res.Err)
	}
	if res.Form != views.DOMID(a.archive, "7") {
		t.Errorf("the result's form is %q, want %q", res.Form, views.DOMID(a.archive, "7"))
	}
	if diff := cmp.Diff(Archive{ProjectID: 7, Reason: "done"}, <-a.archived); diff != "" {
		t.Errorf("the action's input differs (-want +got):\n%s", diff)
	}
}

// TestFragments cuts forms out of a page, as the server does for htmx: a
// form is the fragment named by its DOM id, and a form with a Target is
// part of the Region of that id instead.
func TestFragments(t *testing.T) {
	a := newApp(t)
	ctx := views.WithPath(t.Context(), "/projects")
	archive := views.Form(a.archive, nil, views.FormOptions{Key: "7", Bind: url.Values{"project_id": {"7"}}})
	region := withForm(views.Region("projects"), templ.Raw("<ul><li>formwork</li></ul>"),
		withForm(views.Form(a.profile, nil, views.FormOptions{Target: "projects"}), views.Input("name", "Name")))
	page := templ.Join(templ.Raw("<h1>Projects</h1>"), region, archive, views.Submit("Go", "Going…"))

	tests := []struct {
		name string
		id   string
		want string
	}{
		{"form", views.DOMID(a.archive, "7"), render(t, ctx, archive)},
		{"region", "projects", render(t, ctx, region)},
		{"form with a target", views.DOMID(a.profile, ""), ""},
		{"no such fragment", "nothing", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := templ.RenderFragments(ctx, &b, page, tt.id); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("fragment %q differs (-want +got):\n%s", tt.id, diff)
			}
		})
	}
}

var errFull = errors.New("the writer is full")

// fullWriter takes n bytes, then fails.
type fullWriter struct{ n int }

func (w *fullWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errFull
	}
	w.n -= len(p)
	return len(p), nil
}

// TestWriteError checks that every component returns the error of a
// writer that fails, wherever it fails, so that a server never sends half
// a page as if it were whole.
func TestWriteError(t *testing.T) {
	a := newApp(t)
	ctx := views.WithPath(t.Context(), "/settings")
	res := invalid(a.profile, "Please fix the errors below.", map[string]string{
		"name": "x", "terms": "x", "bio": "x", "plan": "x", "age": "x",
	}, nil)
	tests := []struct {
		name string
		c    templ.Component
	}{
		{"form", withForm(views.Form(a.profile, res, views.FormOptions{Attrs: templ.Attributes{"data-a": "1", "data-b": "2"}}),
			views.Input("name", "Name", templ.Attributes{"data-a": "1", "data-b": "2"}), views.Input("terms", "Terms"),
			views.Input("age", "Age", templ.Attributes{"data-a": "1"}), views.TextArea("bio", "Bio"),
			views.Select("plan", "Plan", []views.Choice{{Value: "free", Label: "Free"}}), views.Submit("Save", "Saving…"))},
		{"form with a message", withForm(views.Form(a.archive, succeeded(a.archive, "Archived."),
			views.FormOptions{Target: "projects", Bind: url.Values{"project_id": {"7"}}}), views.Input("reason", "Reason"))},
		{"notice", views.Notice(succeeded(a.profile, "Saved."))},
		{"notice error", views.Notice(&actions.Result{Status: actions.StatusFailed, Error: "Gone."})},
		{"region", withForm(views.Region("projects"), templ.Raw("<ul></ul>"))},
		{"htmx config", views.HTMXConfig()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			whole := len(render(t, ctx, tt.c))
			for n := range whole {
				if err := tt.c.Render(ctx, &fullWriter{n: n}); !errors.Is(err, errFull) {
					t.Fatalf("with a writer full after %d of %d bytes, Render returned %v", n, whole, err)
				}
			}
			if err := tt.c.Render(ctx, &fullWriter{n: whole}); err != nil {
				t.Fatalf("with room for all %d bytes, Render returned %v", whole, err)
			}
		})
	}
}

// TestSliceRules shows why a slice's inputs get no constraint attributes:
// the rules before dive count the values, and a maxlength="3" taken from
// Tags' max=3 would stop a user typing a tag that the action accepts.
func TestSliceRules(t *testing.T) {
	a := newApp(t)
	for _, tt := range []struct {
		name    string
		tags    []string
		invalid bool
	}{
		{"three long tags", []string{"templates", "generics", "iterators"}, false},
		{"four short tags", []string{"a", "b", "c", "d"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := a.reg.Validate(Profile{Tags: tt.tags})
			var e *actions.Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate = %v, want field errors", err)
			}
			if _, got := e.Fields["tags"]; got != tt.invalid {
				t.Errorf("tags %q: invalid = %v, want %v (%v)", tt.tags, got, tt.invalid, e.Fields)
			}
		})
	}
	page := render(t, t.Context(), withForm(views.Form(a.profile, nil, views.FormOptions{}), views.Input("tags", "Tag"), views.Input("votes", "Vote")))
	for _, attr := range []string{"maxlength", "minlength", "required", "max=", "min="} {
		if strings.Contains(page, attr) {
			t.Errorf("a slice's input has %s: %s", attr, page)
		}
	}
}

// TestSensitiveNotShown checks that no control shows a sensitive field's
// value, wherever the value comes from.
func TestSensitiveNotShown(t *testing.T) {
	a := newApp(t)
	const secret = "hunter2hunter2"
	values := url.Values{"password": {secret}}
	controls := []struct {
		name string
		c    templ.Component
	}{
		{"input", views.Input("password", "Password")},
		{"textarea", views.TextArea("password", "Password")},
		{"select", views.Select("password", "Password", []views.Choice{{Value: "", Label: "None"}, {Value: secret, Label: "The usual"}})},
	}
	sources := []struct {
		name   string
		res    *actions.Result
		values url.Values
	}{
		{"initial values", nil, values},
		{"after an invalid submit", invalid(a.profile, "", map[string]string{"password": "Too short."}, values), nil},
	}
	for _, src := range sources {
		for _, c := range controls {
			t.Run(src.name+"/"+c.name, func(t *testing.T) {
				page := render(t, t.Context(), withForm(views.Form(a.profile, src.res, views.FormOptions{Values: src.values}), c.c))
				if strings.Count(page, secret) > strings.Count(page, `<option value="`+secret+`">`) {
					t.Errorf("the sensitive value is shown: %s", page)
				}
			})
		}
	}
}
