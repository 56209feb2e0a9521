package views_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
)

// Profile has a field for every input type that views.Input derives, and
// the validate tags it turns into constraint attributes.
type Profile struct {
	Name       string        `form:"name" validate:"required,min=2,max=80"`
	Email      string        `form:"email" validate:"required,email,max=254"`
	Website    string        `form:"website" validate:"omitempty,url"`
	Age        int           `form:"age" validate:"gte=18,lte=130"`
	Rating     float64       `form:"rating" validate:"min=0,max=5"`
	Code       string        `form:"code" validate:"len=6"`
	Terms      bool          `form:"terms" validate:"required"`
	Newsletter bool          `form:"newsletter"`
	Birthday   time.Time     `form:"birthday"`
	Password   string        `form:"password" validate:"required,min=12"`
	Avatar     *actions.File `form:"avatar" file:"max=500KB,types=image/png image/jpeg"`
	Bio        string        `form:"bio" validate:"max=500"`
	Plan       string        `form:"plan" validate:"required,oneof=free pro team"`
	Tags       []string      `form:"tags" validate:"max=3,dive,max=20"`
	Votes      []int         `form:"votes" validate:"required,max=3,dive,min=1,max=5"`
	Items      []Item        `form:"items" validate:"max=10,dive"`
}

// Item is an element of a repeated group of fields, such as items.0.qty.
type Item struct {
	SKU string `form:"sku" validate:"required,max=12"`
	Qty int    `form:"qty" validate:"required,min=1"`
}

// Archive has a bound field: the project an Archive button acts on.
type Archive struct {
	ProjectID int64  `form:"project_id" validate:"required"`
	Reason    string `form:"reason" validate:"max=200"`
}

// newRegistry returns a registry with hs registered. It is the one place
// the views tests build a registry, so that a change to actions.Config
// changes one function. A nil tb panics on an error.
func newRegistry(tb testing.TB, hs ...actions.Handler) *actions.Registry {
	keys, err := keyring.New([]byte("the views tests' secret, 32+ bytes long"))
	var reg *actions.Registry
	if err == nil {
		reg, err = actions.NewRegistry(actions.Config{Keys: keys})
	}
	if err == nil {
		err = reg.Register(hs...)
	}
	if err != nil {
		if tb == nil {
			panic(err)
		}
		tb.Helper()
		tb.Fatal(err)
	}
	return reg
}

// app is a registry with the two actions the tests render forms for.
type app struct {
	reg      *actions.Registry
	profile  *actions.Action[Profile, struct{}]
	archive  *actions.Action[Archive, struct{}]
	comment  *actions.Action[Comment, struct{}] // a Once action
	archived chan Archive                       // what the archive action was called with
}

func newApp(tb testing.TB) *app {
	tb.Helper()
	a := &app{archived: make(chan Archive, 1)}
	a.profile = actions.New("profile", func(ctx context.Context, in Profile) (struct{}, error) {
		return struct{}{}, nil
	}, actions.Public(), actions.Sensitive("password"))
	a.archive = actions.New("archive", func(ctx context.Context, in Archive) (struct{}, error) {
		a.archived <- in
		return struct{}{}, nil
	}, actions.Public(), actions.Bound("project_id"))
	a.comment = actions.New("comment", func(ctx context.Context, in Comment) (struct{}, error) {
		return struct{}{}, nil
	}, actions.Public(), actions.Once())
	a.reg = newRegistry(tb, a.profile, a.archive, a.comment)
	return a
}

// Comment is the input of a Once action.
type Comment struct {
	Body string `form:"body" validate:"required"`
}

// invalid is the result of an invalid submit of h's form.
func invalid(h actions.Handler, formErr string, fields map[string]string, values map[string][]string) *actions.Result {
	return &actions.Result{Action: h.Name(), ID: h.ID(), Status: actions.StatusInvalid, Kind: actions.KindInvalid,
		Error: formErr, Fields: fields, Values: values}
}

// failed is the result of a submit of h's form that failed with kind.
func failed(h actions.Handler, kind actions.Kind, msg, digest string) *actions.Result {
	return &actions.Result{Action: h.Name(), ID: h.ID(), Status: actions.StatusFailed, Kind: kind, Error: msg, Digest: digest}
}

// succeeded is the result of a successful submit of h's form.
func succeeded(h actions.Handler, msg string) *actions.Result {
	return &actions.Result{Action: h.Name(), ID: h.ID(), Status: actions.StatusOK, Message: msg}
}

// withForm returns form, a views.Form, with children as its inputs, as a
// templ file's { children... } would pass them.
func withForm(form templ.Component, children ...templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return form.Render(templ.WithChildren(ctx, templ.Join(children...)), w)
	})
}

// render renders c with ctx.
func render(tb testing.TB, ctx context.Context, c templ.Component) string {
	tb.Helper()
	var b strings.Builder
	if err := c.Render(ctx, &b); err != nil {
		tb.Fatalf("render: %v", err)
	}
	return b.String()
}
