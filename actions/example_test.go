package actions_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

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

type SignInForm struct {
	Email    string `form:"email" validate:"required,email"`
	Password string `form:"password" validate:"required"`
}

// A sign-in limited to three wrong passwords per email, and to many tries
// per client address: over either limit the call is 429 with the wait,
// and the mutation does not run. A right password costs nothing.
func ExampleLimitFailures() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	signIn := actions.New("auth.signin", func(ctx context.Context, in SignInForm) (struct{}, error) {
		if in.Password != "right" {
			return struct{}{}, actions.Invalid(map[string]string{"password": "Wrong password."})
		}
		return struct{}{}, nil
	}, actions.Public(),
		actions.LimitFailures(actions.NewMemoryLimiter(3, 15*time.Minute, 0), actions.ByField("email")),
		actions.Limit(actions.NewMemoryLimiter(30, time.Minute, 0), actions.ByAddress()))
	reg.Register(signIn)

	try := func(password string) *actions.Result {
		body := url.Values{"_action": {signIn.ID()}, "email": {"ann@example.com"}, "password": {password}}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return reg.Invoke(httptest.NewRecorder(), req, "")
	}
	for range 3 {
		fmt.Println(try("wrong").Kind)
	}
	res := try("right")
	fmt.Println(res.Kind, res.RetryAfterSeconds(), res.Error)
	// Output:
	// invalid
	// invalid
	// invalid
	// too_many_requests 300 Too many attempts. Try again in 5 minutes.
}

type Rename struct {
	ID       int64  `form:"id" validate:"required"`      // bound
	Version  int64  `form:"version" validate:"required"` // bound: what the form showed
	Customer string `form:"customer" validate:"notblank"`
}

// An edit binds the version its form showed, as Rails' lock_version. The
// mutation saves only that version; when the record moved on, Stale says
// so, with what is saved now under each field that differs.
func ExampleStale() {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	saved := struct {
		version  int64
		customer string
	}{2, "Globex Corporation"} // someone saved since the form was rendered
	rename := actions.New("invoice.rename", func(ctx context.Context, in Rename) (struct{}, error) {
		if in.Version != saved.version { // UPDATE … WHERE id = ? AND version = ? matched nothing
			return struct{}{}, actions.Stale("This invoice was changed by someone else since you opened it.",
				map[string]string{"customer": "Saved now: “" + saved.customer + "”."})
		}
		saved.version, saved.customer = saved.version+1, in.Customer
		return struct{}{}, nil
	}, actions.Public(), actions.Bound("id", "version"))
	reg.Register(rename)

	_, err := rename.Call(context.Background(), Rename{ID: 2, Version: 1, Customer: "Globex"})
	var e *actions.Error
	if errors.As(err, &e) {
		fmt.Println(e.Kind, e.Message, e.Fields["customer"])
	}
	// Output:
	// conflict This invoice was changed by someone else since you opened it. Saved now: “Globex Corporation”.
}
