package actions_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

type user struct{ name, role string }

func (u user) Subject() string          { return u.name }
func (u user) HasRole(role string) bool { return u.role == role }

type Item struct {
	SKU string `form:"sku" validate:"required"`
	Qty int    `form:"qty" validate:"min=1"`
}

type Invoice struct {
	Customer string `form:"customer" validate:"required,max=20"`
	Email    string `form:"email" validate:"required,email"`
	Password string `form:"password"`
	Items    []Item `form:"items" validate:"dive"`
}

type Archive struct {
	ProjectID int64  `form:"project_id" validate:"required"`
	Note      string `form:"note"`
}

type testApp struct {
	reg     *actions.Registry
	rec     *actions.Recorder
	create  *actions.Action[Invoice, string]
	archive *actions.Action[Archive, int64]
	ran     int
}

// ring returns a key ring over secret and previous secrets.
func ring(secret []byte, previous ...[]byte) *keyring.Ring {
	r, err := keyring.New(secret, previous...)
	if err != nil {
		panic(err)
	}
	return r
}

func newApp(t testing.TB) *testApp {
	t.Helper()
	app := &testApp{rec: &actions.Recorder{}}
	reg, err := actions.NewRegistry(actions.Config{Keys: ring(secret), Revalidator: app.rec})
	if err != nil {
		t.Fatal(err)
	}
	app.reg = reg
	app.create = actions.New("invoice.create", func(ctx context.Context, in Invoice) (string, error) {
		app.ran++
		if in.Customer == "taken" {
			return "", actions.Invalid(map[string]string{"customer": "That name is taken."})
		}
		if in.Customer == "boom" {
			panic("boom")
		}
		actions.RevalidateTag(ctx, "invoices")
		actions.RevalidatePath(ctx, "/invoices")
		return "inv-" + in.Customer, nil
	}, actions.SignedIn(), actions.Sensitive("password"))
	app.archive = actions.New("project.archive", func(ctx context.Context, in Archive) (int64, error) {
		app.ran++
		return in.ProjectID, nil
	}, actions.Authorize(func(ctx context.Context, p actions.Principal, in Archive) error {
		if p == nil {
			return actions.ErrUnauthenticated
		}
		if !p.HasRole("admin") {
			return actions.ErrForbidden
		}
		return nil
	}), actions.Bound("project_id"), actions.MaxBytes(4096), actions.Alias("projects.archive"))
	if err := reg.Register(app.create, app.archive); err != nil {
		t.Fatal(err)
	}
	return app
}

func post(t testing.TB, reg *actions.Registry, ctx context.Context, id, ctype string, body io.Reader) *actions.Result {
	t.Helper()
	req := httptest.NewRequestWithContext(ctx, "POST", "/", body)
	req.Header.Set("Content-Type", ctype)
	return reg.Invoke(httptest.NewRecorder(), req, id)
}

func form(vals url.Values) io.Reader { return strings.NewReader(vals.Encode()) }

const urlencoded = "application/x-www-form-urlencoded"

func signedIn(t *testing.T, role string) context.Context {
	return actions.WithPrincipal(t.Context(), user{"ann", role})
}

func TestIDsAreStableOpaqueAndSecretBound(t *testing.T) {
	a, b := newApp(t), newApp(t)
	if a.create.ID() != b.create.ID() {
		t.Fatalf("same secret, different IDs: %s %s", a.create.ID(), b.create.ID())
	}
	if strings.Contains(a.create.ID(), "invoice") || len(a.create.ID()) != 22 {
		t.Fatalf("ID %q is not opaque", a.create.ID())
	}
	// A known answer: the ID an earlier release derived from this secret
	// and name, so that pages rendered before a deploy still reach it.
	known, _ := actions.NewRegistry(actions.Config{Keys: ring(bytes.Repeat([]byte("k"), 32))})
	k := actions.New("invoice.create", func(context.Context, Invoice) (string, error) { return "", nil }, actions.Public())
	if err := known.Register(k); err != nil || k.ID() != "5Y2klRq-WleDnbjr1o8ASg" {
		t.Fatalf("the ID of invoice.create changed across releases: %s, %v", k.ID(), err)
	}
	other, _ := actions.NewRegistry(actions.Config{Keys: ring(bytes.Repeat([]byte("x"), 32))})
	c := actions.New("invoice.create", func(context.Context, Invoice) (string, error) { return "", nil }, actions.Public())
	if err := other.Register(c); err != nil {
		t.Fatal(err)
	}
	if c.ID() == a.create.ID() {
		t.Fatal("IDs do not depend on the secret")
	}
	// An alias keeps a renamed action's old ID working.
	var aliasID string
	for _, s := range []string{"projects.archive"} {
		h := actions.New(s, func(context.Context, Archive) (int64, error) { return 0, nil }, actions.Public(), actions.Bound("project_id"))
		r, _ := actions.NewRegistry(actions.Config{Keys: ring(secret)})
		if err := r.Register(h); err != nil {
			t.Fatal(err)
		}
		aliasID = h.ID()
	}
	h, err := a.reg.Lookup(aliasID)
	if err != nil || h.Name() != "project.archive" {
		t.Fatalf("alias lookup = %v, %v", h, err)
	}
}

func TestLookupKinds(t *testing.T) {
	app := newApp(t)
	for _, tc := range []struct {
		id   string
		kind actions.Kind
	}{
		{"short", actions.KindMalformed},
		{"AAAAAAAAAAAAAAAAAAAA!!", actions.KindMalformed},
		{"AAAAAAAAAAAAAAAAAAAAAA", actions.KindUnknownAction},
	} {
		_, err := app.reg.Lookup(tc.id)
		if actions.KindOf(err) != tc.kind {
			t.Errorf("Lookup(%q) kind = %v, want %v", tc.id, actions.KindOf(err), tc.kind)
		}
	}
}

func TestRegisterRefusesBadActions(t *testing.T) {
	noop := func(context.Context, Archive) (int64, error) { return 0, nil }
	for name, h := range map[string]actions.Handler{
		"no policy":         actions.New("a", noop),
		"policy type":       actions.New("a", noop, actions.Authorize(func(context.Context, actions.Principal, Invoice) error { return nil })),
		"unknown bound":     actions.New("a", noop, actions.Public(), actions.Bound("nope")),
		"unknown sensitive": actions.New("a", noop, actions.Public(), actions.Sensitive("nope")),
		"limit":             actions.New("a", noop, actions.Public(), actions.MaxBytes(-1)),
		"empty name":        actions.New("", noop, actions.Public()),
		"not a struct":      actions.New("a", func(context.Context, int) (int, error) { return 0, nil }, actions.Public()),
	} {
		reg, _ := actions.NewRegistry(actions.Config{Keys: ring(secret)})
		if err := reg.Register(h); err == nil {
			t.Errorf("%s: Register succeeded", name)
		}
	}
	reg, _ := actions.NewRegistry(actions.Config{Keys: ring(secret)})
	if err := reg.Register(actions.New("a", noop, actions.Public()), actions.New("a", noop, actions.Public())); err == nil {
		t.Error("duplicate names registered")
	}
	if _, err := actions.NewRegistry(actions.Config{}); err == nil {
		t.Error("a registry without keys was made")
	}
	if _, err := actions.NewRegistry(actions.Config{Keys: ring(secret), MaxBodyBytes: -5}); err == nil {
		t.Error("negative body limit accepted")
	}
}

func TestSeamsOverHTTP(t *testing.T) {
	app := newApp(t)
	vals := url.Values{"_action": {app.create.ID()}, "customer": {"acme"}, "email": {"a@example.com"},
		"password": {"hunter2"}, "items.0.sku": {"X"}, "items.0.qty": {"2"}}

	res := post(t, app.reg, t.Context(), "", urlencoded, form(vals))
	if res.Kind != actions.KindUnauthenticated || app.ran != 0 {
		t.Fatalf("anonymous call: kind %v, ran %d", res.Kind, app.ran)
	}
	res = post(t, app.reg, signedIn(t, ""), "", urlencoded, form(vals))
	if !res.OK() || res.Out != "inv-acme" || res.Action != "invoice.create" {
		t.Fatalf("result = %+v", res)
	}
	if diff := cmp.Diff([]string{"invoices"}, app.rec.Tags()); diff != "" {
		t.Fatalf("tags (-want +got):\n%s", diff)
	}

	// Decode, validation and mutation errors share one key space.
	app.rec.Reset()
	bad := url.Values{"_action": {app.create.ID()}, "customer": {"taken"}, "email": {"nope"},
		"password": {"hunter2"}, "items.0.sku": {""}, "items.0.qty": {"two"}, "items.1.sku": {"Y"}, "items.1.qty": {"0"}}
	res = post(t, app.reg, signedIn(t, ""), "", urlencoded, form(bad))
	want := map[string]string{"email": "Enter a valid email address.", "items.0.sku": "This field is required.",
		"items.0.qty": "Enter a whole number.", "items.1.qty": "This must be at least 1."}
	if diff := cmp.Diff(want, res.Fields); diff != "" || res.Status != actions.StatusInvalid {
		t.Fatalf("fields (-want +got):\n%s", diff)
	}
	// A password sent is kept as one empty value: the form can say to
	// enter it again, and never shows it.
	if pw, sent := res.Values["password"]; !sent || len(pw) != 1 || pw[0] != "" || res.Values.Get("email") != "nope" {
		t.Fatalf("values = %v", res.Values)
	}
	res = post(t, app.reg, signedIn(t, ""), "", urlencoded, form(url.Values{"_action": {app.create.ID()},
		"customer": {"taken"}, "email": {"a@example.com"}}))
	if res.Fields["customer"] != "That name is taken." || len(app.rec.Tags()) != 0 {
		t.Fatalf("mutation field error: %+v, revalidated %v", res.Fields, app.rec.Tags())
	}

	// A panic is an internal error with a digest, and nothing is revalidated.
	res = post(t, app.reg, signedIn(t, ""), "", urlencoded, form(url.Values{"_action": {app.create.ID()},
		"customer": {"boom"}, "email": {"a@example.com"}}))
	var pe *actions.PanicError
	if res.Kind != actions.KindInternal || len(res.Digest) != 16 || !errors.As(res.Err, &pe) || len(app.rec.Tags()) != 0 {
		t.Fatalf("panic result = %+v", res)
	}
}

func TestUnknownFieldIsRefused(t *testing.T) {
	app := newApp(t)
	res := post(t, app.reg, signedIn(t, ""), "", urlencoded, form(url.Values{"_action": {app.create.ID()},
		"customer": {"acme"}, "email": {"a@example.com"}, "emial": {"typo"}}))
	if res.Kind != actions.KindMalformed || !strings.Contains(res.Error, "emial") || app.ran != 0 {
		t.Fatalf("result = %+v", res)
	}
}

func TestBoundArguments(t *testing.T) {
	app := newApp(t)
	sealed, err := app.archive.Seal(url.Values{"project_id": {"7"}})
	if err != nil {
		t.Fatal(err)
	}
	admin := signedIn(t, "admin")
	send := func(vals url.Values) *actions.Result { return post(t, app.reg, admin, "", urlencoded, form(vals)) }

	res := send(url.Values{"_action": {app.archive.ID()}, "_bound": {sealed}})
	if !res.OK() || res.Out != int64(7) {
		t.Fatalf("archive = %+v", res)
	}
	tampered := []byte(sealed)
	tampered[len(tampered)/2] ^= 1
	createSealed := sealed // sealed for archive, sent to create
	for name, vals := range map[string]url.Values{
		"tampered":     {"_action": {app.archive.ID()}, "_bound": {string(tampered)}},
		"missing":      {"_action": {app.archive.ID()}},
		"in the clear": {"_action": {app.archive.ID()}, "_bound": {sealed}, "project_id": {"8"}},
		"moved":        {"_action": {app.create.ID()}, "_bound": {createSealed}, "customer": {"a"}, "email": {"a@example.com"}},
	} {
		app.ran = 0
		res := send(vals)
		if res.Kind != actions.KindMalformed || app.ran != 0 {
			t.Errorf("%s: kind %v, ran %d", name, res.Kind, app.ran)
		}
	}
	// Sealed under a previous secret still opens after rotation.
	rotated, _ := actions.NewRegistry(actions.Config{Keys: ring(bytes.Repeat([]byte("n"), 32), secret)})
	a2 := actions.New("project.archive", func(ctx context.Context, in Archive) (int64, error) { return in.ProjectID, nil },
		actions.Public(), actions.Bound("project_id"))
	if err := rotated.Register(a2); err != nil {
		t.Fatal(err)
	}
	res = post(t, rotated, t.Context(), "", urlencoded, form(url.Values{"_action": {app.archive.ID()}, "_bound": {sealed}}))
	if !res.OK() || res.Out != int64(7) {
		t.Fatalf("after rotation = %+v", res)
	}
}

func TestBodyLimit(t *testing.T) {
	app := newApp(t)
	sealed, _ := app.archive.Seal(url.Values{"project_id": {"7"}})
	// archive's limit is 4 KB; the first field names it, so 4 KB applies.
	big := url.Values{"_action": {app.archive.ID()}, "_bound": {sealed}, "note": {strings.Repeat("n", 5000)}}
	res := post(t, app.reg, signedIn(t, "admin"), "", urlencoded, form(big))
	if res.Kind != actions.KindTooLarge || app.ran != 0 || !strings.Contains(res.Error, "4 KB") {
		t.Fatalf("result = %+v", res)
	}
}

func TestJSONAndMultipart(t *testing.T) {
	app := newApp(t)
	res := post(t, app.reg, signedIn(t, ""), app.create.ID(), "application/json",
		strings.NewReader(`{"Customer":"acme","Email":"a@example.com"}`))
	if !res.OK() {
		t.Fatalf("json = %+v", res)
	}
	// Each malformed body is refused with words that say what is wrong.
	for name, tc := range map[string]struct{ body, says string }{
		"unknown field": {`{"Customer":"acme","Email":"a@example.com","Extra":1}`, `unknown field "Extra"`},
		"trailing":      {`{"Customer":"acme","Email":"a@example.com"} {}`, "data after its object"},
		"cut short":     {`{"Customer":`, "ends before its object does"},
		"syntax":        {`{"Customer" "acme"}`, "not valid JSON (at byte 13)"},
		"empty":         {``, "empty"},
	} {
		res := post(t, app.reg, signedIn(t, ""), app.create.ID(), "application/json", strings.NewReader(tc.body))
		if res.Kind != actions.KindMalformed || !strings.Contains(res.Error, tc.says) {
			t.Errorf("%s: kind %v, %q", name, res.Kind, res.Error)
		}
	}
	res = post(t, app.reg, signedIn(t, ""), app.create.ID(), "text/plain", strings.NewReader("x"))
	if res.Kind != actions.KindUnsupportedMedia {
		t.Fatalf("text/plain kind = %v", res.Kind)
	}

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_action", app.create.ID())
	mw.WriteField("customer", "acme")
	mw.WriteField("email", "a@example.com")
	mw.Close()
	res = post(t, app.reg, signedIn(t, ""), "", mw.FormDataContentType(), &buf)
	if !res.OK() {
		t.Fatalf("multipart = %+v", res)
	}
}

func TestDirectCall(t *testing.T) {
	app := newApp(t)
	if _, err := app.create.Call(t.Context(), Invoice{Customer: "acme", Email: "a@example.com"}); !errors.Is(err, actions.ErrUnauthenticated) {
		t.Fatalf("anonymous direct call: %v", err)
	}
	out, err := app.create.Call(signedIn(t, ""), Invoice{Customer: "acme", Email: "a@example.com"})
	if err != nil || out != "inv-acme" {
		t.Fatalf("direct call = %q, %v", out, err)
	}
	_, err = app.create.Call(signedIn(t, ""), Invoice{Customer: "acme"})
	var e *actions.Error
	if !errors.As(err, &e) || e.Kind != actions.KindInvalid || e.Fields["email"] == "" {
		t.Fatalf("invalid direct call: %v", err)
	}
	if diff := cmp.Diff([]string{"/invoices"}, app.rec.Paths()); diff != "" {
		t.Fatalf("paths (-want +got):\n%s", diff)
	}
}

func TestManifest(t *testing.T) {
	app := newApp(t)
	m := app.reg.Manifest()
	if len(m) != 2 || m[1].Name != "project.archive" || m[1].MaxBytes != 4096 || m[1].Policy != "custom" {
		t.Fatalf("manifest = %+v", m)
	}
	var names []string
	for _, f := range m[0].Fields {
		names = append(names, f.Name)
	}
	if diff := cmp.Diff([]string{"customer", "email", "password", "items.sku", "items.qty"}, names); diff != "" {
		t.Fatalf("fields (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if err := app.reg.WriteManifest(&buf); err != nil || !strings.Contains(buf.String(), app.create.ID()) {
		t.Fatalf("WriteManifest: %v", err)
	}
	_ = http.MethodPost
}

func TestKindOfFollowsTheChain(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want actions.Kind
	}{
		"nil":     {nil, actions.KindInternal},
		"plain":   {errors.New("disk full"), actions.KindInternal},
		"direct":  {actions.ErrForbidden, actions.KindForbidden},
		"wrapped": {fmt.Errorf("load: %w", actions.ErrNotFound), actions.KindNotFound},
		"joined":  {errors.Join(errors.New("first"), fmt.Errorf("second: %w", actions.ErrUnauthenticated)), actions.KindUnauthenticated},
		"deep":    {fmt.Errorf("a: %w", errors.Join(fmt.Errorf("b: %w", actions.Errorf(actions.KindConflict, "changed")))), actions.KindConflict},
	} {
		if got := actions.KindOf(tc.err); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}
