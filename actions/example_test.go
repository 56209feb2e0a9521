package actions_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
)

type Signup struct {
	Email string `form:"email" json:"email" validate:"required,email"`
	Plan  string `form:"plan" json:"plan" validate:"oneof=free pro"`
}

// An action is a typed Go function with a policy. Go code calls it
// directly, through the same validate, authorize, mutate and revalidate
// seams that an HTTP call runs.
func ExampleNew() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, err := actions.NewRegistry(actions.Config{Keys: keys})
	if err != nil {
		panic(err)
	}
	signup := actions.New("newsletter.signup", func(ctx context.Context, in Signup) (string, error) {
		actions.RevalidateTag(ctx, "subscribers")
		return "welcome " + in.Email, nil
	}, actions.Public())
	if err := reg.Register(signup); err != nil {
		panic(err)
	}

	out, err := signup.Call(context.Background(), Signup{Email: "ann@example.com", Plan: "pro"})
	fmt.Println(out, err)

	_, err = signup.Call(context.Background(), Signup{Email: "nope", Plan: "gold"})
	var e *actions.Error
	if errors.As(err, &e) {
		fmt.Println(e.Kind, e.Fields["email"], e.Fields["plan"])
	}
	// Output:
	// welcome ann@example.com <nil>
	// invalid Enter a valid email address. Choose one of: free, pro.
}

// Over HTTP, the form's "_action" field names the action by its opaque ID,
// and the result says what happened for the server to shape a response.
func ExampleRegistry_Invoke() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	signup := actions.New("newsletter.signup", func(ctx context.Context, in Signup) (string, error) {
		actions.Redirect(ctx, "/thanks")
		return in.Email, nil
	}, actions.Public())
	reg.Register(signup)

	body := url.Values{"_action": {signup.ID()}, "email": {"ann@example.com"}, "plan": {"free"}}.Encode()
	req := httptest.NewRequest("POST", "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res := reg.Invoke(httptest.NewRecorder(), req, "")
	fmt.Println(res.Status, res.Action, res.Out, res.Redirect)
	// Output: ok newsletter.signup ann@example.com /thanks
}

// Every action must say who may call it; registration refuses one that
// does not, so that no action is public by accident.
func ExampleRegistry_Register() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	open := actions.New("newsletter.signup", func(ctx context.Context, in Signup) (string, error) { return "", nil })
	fmt.Println(reg.Register(open))
	// Output: actions: register "newsletter.signup": no authorization policy: add actions.Authorize, actions.SignedIn, actions.RequireRole or actions.Public
}

// The manifest lists what an app exposes, for audits and for tests that pin
// it.
func ExampleRegistry_Manifest() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	reg.Register(actions.New("newsletter.signup", func(ctx context.Context, in Signup) (string, error) { return "", nil },
		actions.RequireRole("editor"), actions.MaxBytes(4096)))
	for _, e := range reg.Manifest() {
		fmt.Println(e.Name, e.Policy, e.MaxBytes, len(e.ID))
		for _, f := range e.Fields {
			fmt.Printf("  %s %s %q\n", f.Name, f.Type, f.Rules)
		}
	}
	// Output:
	// newsletter.signup role:editor 4096 22
	//   email string "required,email"
	//   plan string "oneof=free pro"
}

// Code outside an action call, such as a page that fails to load its
// record, turns its error into a Result the same way actions do: its kind
// and words, and for an internal error generic words and a digest in place
// of the cause.
func ExampleErrorResult() {
	res := actions.ErrorResult(fmt.Errorf("load invoice 7: %w", actions.ErrNotFound))
	fmt.Println(res.Status, res.Kind, res.Error)
	res = actions.ErrorResult(errors.New("connection refused"))
	fmt.Println(res.Status, res.Kind, res.Error, len(res.Digest))
	// Output:
	// failed not_found That no longer exists.
	// failed internal Something went wrong on our side. 16
}
