package views_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/views"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata: go test ./views -run TestGolden -update")

// goldenCase renders c with ctx (the test's context when nil) and
// compares the output with testdata/name.html.
type goldenCase struct {
	name string
	ctx  context.Context
	c    templ.Component
}

func TestGolden(t *testing.T) {
	a := newApp(t)
	profile, archive := a.profile, a.archive
	// in renders children in a form of profile with the DOM id "p" and res.
	in := func(res *actions.Result, values map[string][]string, children ...templ.Component) templ.Component {
		return withForm(views.Form(profile, res, views.FormOptions{ID: "p", Values: values}), children...)
	}
	fieldErr := func(name, msg string, values map[string][]string) *actions.Result {
		return invalid(profile, "", map[string]string{name: msg}, values)
	}
	page := views.WithPath(t.Context(), "/settings")
	plans := []views.Choice{{Value: "free", Label: "Free"}, {Value: "pro", Label: "Pro"}, {Value: "team", Label: "Team & more"}}

	cases := []goldenCase{
		// Form
		{name: "form", c: withForm(views.Form(profile, nil, views.FormOptions{}), views.Submit("Save", "Saving…"))},
		{name: "form-path-from-context", ctx: page, c: views.Form(profile, nil, views.FormOptions{})},
		{name: "form-path-option", ctx: page, c: views.Form(profile, nil, views.FormOptions{Path: "/profile/edit"})},
		{name: "form-key", ctx: page, c: views.Form(archive, nil, views.FormOptions{Key: "row 7/α"})},
		{name: "form-id", ctx: page, c: views.Form(profile, nil, views.FormOptions{ID: "settings"})},
		{name: "form-target", ctx: page, c: views.Form(profile, nil, views.FormOptions{ID: "add", Target: "projects"})},
		{name: "form-class", c: views.Form(profile, nil, views.FormOptions{ID: "p", Class: "wide & tall"})},
		{name: "form-attrs-override", ctx: page, c: views.Form(profile, nil, views.FormOptions{ID: "p", Class: "ignored",
			Attrs: templ.Attributes{"class": "mine", "hx-target": "#elsewhere", "method": "dialog", "hx-swap": "innerHTML", "data-step": 2}})},
		// The password was sent (the result keeps its key, not its value).
		{name: "form-invalid-sensitive-hint", c: in(fieldErr("name", "This field is required.", map[string][]string{"password": {""}}),
			nil, views.Input("name", "Name"), views.Input("password", "Password"))},
		{name: "form-once", ctx: page, c: withForm(views.Form(a.comment, nil, views.FormOptions{}), views.TextArea("body", "Comment"))},
		{name: "form-attrs-one", c: views.Form(profile, nil, views.FormOptions{ID: "p", Attrs: templ.Attributes{"novalidate": true}})},
		{name: "form-bound", ctx: page, c: withForm(views.Form(archive, nil, views.FormOptions{Key: "7", Bind: map[string][]string{"project_id": {"7"}}}),
			views.Input("reason", "Reason"), views.Submit("Archive", "Archiving…"))},
		{name: "form-invalid", c: in(invalid(profile, "Please fix the errors below.",
			map[string]string{"name": "This field is required.", "email": "Enter a valid email address."},
			map[string][]string{"email": {"ann@"}}),
			nil, views.Input("name", "Name"), views.Input("email", "Email"), views.Submit("Save", "Saving…"))},
		{name: "form-invalid-replaces-values", c: in(fieldErr("name", "This must be at least 2 characters long.", map[string][]string{"name": {"A"}}),
			map[string][]string{"name": {"Ann"}, "bio": {"Hello"}}, views.Input("name", "Name"), views.TextArea("bio", "Bio"))},
		{name: "form-values", c: in(nil, map[string][]string{"name": {"Ann"}, "bio": {"Hello"}}, views.Input("name", "Name"), views.TextArea("bio", "Bio"))},
		{name: "form-internal-error", c: in(failed(profile, actions.KindInternal, "Something went wrong.", "d1g3st"), nil)},
		{name: "form-forbidden", c: in(failed(profile, actions.KindForbidden, "You may not do this.", ""), nil)},
		{name: "form-failed-keeps-values", c: in(failed(profile, actions.KindConflict, "Someone else changed this.", ""),
			map[string][]string{"name": {"Ann"}}, views.Input("name", "Name"))},
		{name: "form-success", c: in(succeeded(profile, "Saved."), map[string][]string{"name": {"Ann"}}, views.Input("name", "Name"))},
		{name: "form-success-no-message", c: in(succeeded(profile, ""), nil)},
		{name: "form-result-of-this-form", ctx: page, c: views.Form(archive, sentBy(failed(archive, actions.KindNotFound, "No such project.", ""), views.DOMID(archive, "7")), views.FormOptions{Key: "7"})},
		{name: "form-result-of-other-form", ctx: page, c: views.Form(archive, sentBy(failed(archive, actions.KindNotFound, "No such project.", ""), views.DOMID(archive, "8")), views.FormOptions{Key: "7"})},
		{name: "form-result-of-other-action", c: in(failed(archive, actions.KindNotFound, "No such project.", ""), nil, views.Input("name", "Name"))},
		{name: "form-result-of-unknown-action", c: in(&actions.Result{ID: profile.ID(), Status: actions.StatusFailed, Kind: actions.KindUnknownAction, Error: "This form is out of date."}, nil)},

		// Input
		{name: "input-outside-form", c: views.Input("name", "Name")},
		{name: "input-text", c: in(nil, nil, views.Input("name", "Name"))},
		{name: "input-text-invalid", c: in(fieldErr("name", "This must be at most 80 characters long.", map[string][]string{"name": {`<b>"Ann" & co</b>`}}), nil, views.Input("name", "Name"))},
		{name: "input-email", c: in(nil, map[string][]string{"email": {"ann@example.com"}}, views.Input("email", "Email"))},
		{name: "input-email-invalid", c: in(fieldErr("email", "Enter a valid email address.", map[string][]string{"email": {"ann@"}}), nil, views.Input("email", "Email"))},
		{name: "input-url", c: in(nil, nil, views.Input("website", "Website"))},
		{name: "input-url-invalid", c: in(fieldErr("website", "Enter a valid URL.", map[string][]string{"website": {"example"}}), nil, views.Input("website", "Website"))},
		{name: "input-number", c: in(nil, map[string][]string{"age": {"42"}}, views.Input("age", "Age"))},
		{name: "input-number-invalid", c: in(fieldErr("age", "This must be 18 or more.", map[string][]string{"age": {"12"}}), nil, views.Input("age", "Age"))},
		{name: "input-number-float", c: in(nil, nil, views.Input("rating", "Rating", templ.Attributes{"step": "0.5"}))},
		{name: "input-len", c: in(nil, nil, views.Input("code", "Code"))},
		{name: "input-checkbox", c: in(nil, nil, views.Input("newsletter", "Newsletter"))},
		{name: "input-checkbox-checked", c: in(nil, map[string][]string{"newsletter": {"on"}, "terms": {"true"}},
			views.Input("newsletter", "Newsletter"), views.Input("terms", "I agree"))},
		{name: "input-checkbox-invalid", c: in(fieldErr("terms", "This field is required.", map[string][]string{}), map[string][]string{"terms": {"true"}}, views.Input("terms", "I agree"))},
		{name: "input-date", c: in(nil, map[string][]string{"birthday": {"1990-04-01"}}, views.Input("birthday", "Birthday"))},
		{name: "input-date-invalid", c: in(fieldErr("birthday", "Enter a valid date.", map[string][]string{"birthday": {"1 April"}}), nil, views.Input("birthday", "Birthday"))},
		{name: "input-password", c: in(nil, map[string][]string{"password": {"hunter2hunter2"}}, views.Input("password", "Password"))},
		{name: "input-password-invalid", c: in(fieldErr("password", "This must be at least 12 characters long.",
			map[string][]string{"name": {"Ann"}, "password": {"hunter2"}}), nil, views.Input("name", "Name"), views.Input("password", "Password"))},
		{name: "input-file", c: in(nil, map[string][]string{"avatar": {"me.png"}}, views.Input("avatar", "Avatar", templ.Attributes{"accept": "image/*"}))},
		{name: "input-file-invalid", c: in(fieldErr("avatar", "The file is too large.", nil), nil, views.Input("avatar", "Avatar"))},
		{name: "input-repeated", c: in(nil, map[string][]string{"tags": {"go", "templ"}}, views.Input("tags", "Tag"))},
		{name: "input-repeated-number", c: in(nil, nil, views.Input("votes", "Vote"))},
		{name: "input-nested", c: in(fieldErr("items.1.qty", "This field is required.", map[string][]string{"items.0.sku": {"A-1"}, "items.0.qty": {"2"}}), nil,
			views.Input("items.0.sku", "SKU"), views.Input("items.0.qty", "Quantity"), views.Input("items.1.sku", "SKU"), views.Input("items.1.qty", "Quantity"))},
		{name: "input-unknown-field", c: in(nil, map[string][]string{"nickname": {"annie"}}, views.Input("nickname", "Nickname"))},
		{name: "input-attrs-override", c: in(fieldErr("name", "Too long.", map[string][]string{"name": {"Ann"}}), nil,
			views.Input("name", "Name", templ.Attributes{"type": "search", "maxlength": 40, "required": false, "aria-describedby": "name-help", "autocomplete": "name"}))},
		{name: "input-attrs-override-value", c: in(nil, map[string][]string{"name": {"Ann"}},
			views.Input("name", "Name", templ.Attributes{"value": "Bob", "id": "own-id"}))},
		{name: "input-attrs-id-invalid", c: in(fieldErr("tags", "Too many tags.", nil), nil,
			views.Input("tags", "First tag", templ.Attributes{"id": "tag-1"}), views.Input("tags", "Second tag", templ.Attributes{"id": "tag-2"}))},
		{name: "input-attrs-several", c: in(nil, nil,
			views.Input("email", "Email", templ.Attributes{"autocomplete": "email", "placeholder": "you@example.com"}, templ.Attributes{"placeholder": "later wins"}))},

		// TextArea
		{name: "textarea", c: in(nil, nil, views.TextArea("bio", "Bio", templ.Attributes{"rows": 4}))},
		{name: "textarea-sensitive", c: in(fieldErr("password", "Too short.", map[string][]string{"password": {"hunter2"}}),
			nil, views.TextArea("password", "Password"))},
		{name: "textarea-invalid", c: in(fieldErr("bio", "This must be at most 500 characters long.", map[string][]string{"bio": {"<script>alert(1)</script>"}}), nil, views.TextArea("bio", "Bio"))},

		// Select
		{name: "select", c: in(nil, nil, views.Select("plan", "Plan", plans))},
		{name: "select-selected", c: in(nil, map[string][]string{"plan": {"team"}}, views.Select("plan", "Plan", plans))},
		{name: "select-invalid", c: in(fieldErr("plan", "Choose a plan.", map[string][]string{"plan": {"gold"}}), nil, views.Select("plan", "Plan", plans))},
		{name: "select-attrs", c: in(nil, nil, views.Select("plan", "Plan", plans, templ.Attributes{"required": false, "autofocus": true}))},

		// Submit
		{name: "submit", c: views.Submit("Save", "Saving…")},
		{name: "submit-class", c: views.Submit("Delete <all>", "Deleting…", templ.Attributes{"class": "danger", "name": "intent", "value": "delete"})},
		{name: "submit-attrs-override", c: views.Submit("Save", "Saving…", templ.Attributes{"type": "button"}, templ.Attributes{"disabled": true})},

		// Notice
		{name: "notice-none", c: views.Notice(nil)},
		{name: "notice-message", c: views.Notice(succeeded(profile, "Welcome back, Ann & co."))},
		{name: "notice-success-no-message", c: views.Notice(succeeded(profile, ""))},
		{name: "notice-form-gone", c: views.Notice(&actions.Result{ID: "stale", Status: actions.StatusFailed, Kind: actions.KindUnknownAction, Error: "This page is out of date. Reload it."})},
		{name: "notice-form-error", c: views.Notice(failed(profile, actions.KindForbidden, "You may not do this.", ""))},
		{name: "notice-form-error-unshown", c: views.Notice(failed(profile, actions.KindForbidden, "You may not do this.", "")),
			ctx: views.WithResultUnshown(context.Background())},
		{name: "notice-form-message-unshown", c: views.Notice(succeeded(archive, "Project archived.")),
			ctx: views.WithResultUnshown(context.Background())},
		{name: "notice-internal-error-unshown", c: views.Notice(failed(archive, actions.KindInternal, "Something went wrong.", "d1g3st")),
			ctx: views.WithResultUnshown(context.Background())},
		{name: "notice-out-of-band", c: views.Notice(nil), ctx: views.WithOutOfBand(context.Background())},

		// Region
		{name: "region", ctx: page, c: withForm(views.Region("projects"),
			templ.Raw(`<ul><li>formwork</li></ul>`),
			withForm(views.Form(profile, nil, views.FormOptions{Target: "projects"}), views.Input("name", "Name")))},

		// HTMXConfig
		{name: "htmx-config", c: views.HTMXConfig()},
	}
	checkGolden(t, a, cases)
}

// sentBy returns res as the result of a submit of the form with DOM id form.
func sentBy(res *actions.Result, form string) *actions.Result {
	res.Form = form
	return res
}

// checkGolden renders each case and compares it with its golden file, or
// writes the file with -update. A golden file that no case writes fails the
// test, or is removed with -update.
func checkGolden(t *testing.T, a *app, cases []goldenCase) {
	names := map[string]bool{}
	for _, tc := range cases {
		if names[tc.name] {
			t.Fatalf("two cases are named %q", tc.name)
		}
		names[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			got := render(t, ctx, tc.c)
			if strings.Contains(got, "\n") {
				t.Fatalf("the output has a newline, which the golden file's layout would hide:\n%s", got)
			}
			compareGolden(t, filepath.Join("testdata", tc.name+".html"), normalize(a, indent(got)))
		})
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".html"); !names[name] {
			if *update {
				if err := os.Remove(f); err != nil {
					t.Error(err)
				}
				continue
			}
			t.Errorf("%s belongs to no case; run go test ./views -run TestGolden -update to remove it", f)
		}
	}
}

// compareGolden compares got with the golden file path, or writes it there
// with -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go test ./views -run TestGolden -update to write it", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("output differs from %s (-want +got):\n%s\nIf the change is intended, run go test ./views -run TestGolden -update and review the diff.", path, diff)
	}
}

// sealed matches the sealed bound arguments, which differ on every run: the
// seal's nonce is random.
var (
	sealed  = regexp.MustCompile(`name="_bound" value="[^"]+"`)
	oneTime = regexp.MustCompile(`name="_once" value="[^"]+"`)
)

// normalize replaces what a golden file must not depend on: the action
// IDs, which derive from the registry's secret, and sealed values.
func normalize(a *app, s string) string {
	s = sealed.ReplaceAllString(s, `name="_bound" value="SEALED"`)
	s = oneTime.ReplaceAllString(s, `name="_once" value="TOKEN"`)
	return strings.NewReplacer(a.profile.ID(), "ID-profile", a.archive.ID(), "ID-archive").Replace(s)
}

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// indent lays out HTML with no newlines of its own one tag a line, indented
// by depth, keeping text on the line of the tag before it and an end tag
// after text or its empty element's start tag. Every byte of s is kept, so
// any change to the output changes the layout's text.
func indent(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	depth := 0
	empty := false  // the last token was a start tag that needs an end tag
	inline := false // the last token was text
	newline := func() {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(strings.Repeat("  ", max(depth, 0)))
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			return b.String()
		case html.StartTagToken:
			newline()
			b.Write(z.Raw())
			if name, _ := z.TagName(); !voidElements[string(name)] {
				depth++
				empty = true
				continue
			}
		case html.EndTagToken:
			depth--
			if !empty && !inline {
				newline()
			}
			b.Write(z.Raw())
		case html.TextToken:
			b.Write(z.Raw())
			inline = true
			empty = false
			continue
		default:
			newline()
			b.Write(z.Raw())
		}
		empty, inline = false, false
	}
}
