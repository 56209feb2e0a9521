package views_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
	"github.com/formwork-dev/formwork/views"
)

type Signup struct {
	Email string `form:"email" validate:"required,email,max=254"`
	Seats int    `form:"seats" validate:"min=1,max=50"`
}

func newSignup() (*actions.Registry, *actions.Action[Signup, struct{}]) {
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	a := actions.New("signup", func(ctx context.Context, in Signup) (struct{}, error) { return struct{}{}, nil }, actions.Public())
	reg.Register(a)
	return reg, a
}

// A form takes its inputs' types and constraint attributes from the
// input's validate tags, and shows a result's errors with the values kept.
func ExampleForm() {
	_, signup := newSignup()
	res := &actions.Result{Action: "signup", ID: signup.ID(), Status: actions.StatusInvalid,
		Fields: map[string]string{"seats": "This must be at most 50."}, Values: map[string][]string{"seats": {"99"}}}
	form := views.Form(signup, res, views.FormOptions{ID: "signup"})
	fields := templ.Join(views.Input("email", "Email"), views.Input("seats", "Seats"))
	var b strings.Builder
	form.Render(templ.WithChildren(context.Background(), fields), &b)
	for _, tag := range regexp.MustCompile(`<input [^>]*name="(email|seats)"[^>]*>|<p class="fw-error".*?</p>`).FindAllString(b.String(), -1) {
		fmt.Println(tag)
	}
	// Output:
	// <input id="signup-email" name="email" type="email" required maxlength="254">
	// <input id="signup-seats" name="seats" type="number" value="99" min="1" max="50" autofocus aria-invalid="true" aria-describedby="signup-seats-error">
	// <p class="fw-error" id="signup-seats-error">This must be at most 50.</p>
}

// CheckHTML, in a test, catches a form field that the action's input does
// not take, before a user's input is refused in production.
func ExampleCheckHTML() {
	reg, signup := newSignup()
	page := `<form method="post"><input type="hidden" name="_action" value="` + signup.ID() + `">
		<input name="email"><input name="seat_count"></form>`
	err := views.CheckHTML(reg, strings.NewReader(page))
	fmt.Fprintln(os.Stdout, err)
	// Output: form "" of signup: field "seat_count" is not a form field of its input
}
