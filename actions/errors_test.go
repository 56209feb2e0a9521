package actions_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/actions"
)

func TestTooManyRequestsSaysWhen(t *testing.T) {
	for _, tc := range []struct {
		name    string
		wait    time.Duration
		says    string
		seconds int64 // Retry-After
	}{
		{"unknown", 0, "Too many attempts. Try again later.", 0},
		{"negative", -time.Second, "Too many attempts. Try again later.", 0},
		{"a second", time.Second, "Too many attempts. Try again in 1 second.", 1},
		{"rounded up", 1500 * time.Millisecond, "Too many attempts. Try again in 2 seconds.", 2},
		{"seconds up to 90", 90 * time.Second, "Too many attempts. Try again in 90 seconds.", 90},
		{"then minutes", 91 * time.Second, "Too many attempts. Try again in 2 minutes.", 91},
		{"a quarter hour", 15 * time.Minute, "Too many attempts. Try again in 15 minutes.", 900},
		{"then hours", 90*time.Minute + time.Second, "Too many attempts. Try again in 2 hours.", 5401},
		{"at most a day", 72 * time.Hour, "Too many attempts. Try again in 72 hours.", 86400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := actions.ErrorResult(actions.TooManyRequests(tc.wait))
			if res.Kind != actions.KindTooManyRequests || res.Error != tc.says {
				t.Errorf("got %v %q, want %q", res.Kind, res.Error, tc.says)
			}
			if got := res.RetryAfterSeconds(); got != tc.seconds {
				t.Errorf("Retry-After %d, want %d", got, tc.seconds)
			}
		})
	}
}

// notblank, which every registry's validator has, refuses a string of
// spaces that required lets through, in required's words.
func TestNotBlank(t *testing.T) {
	type Note struct {
		Title string `form:"title" validate:"notblank"`
	}
	reg, err := actions.NewRegistry(actions.Config{Keys: ring([]byte(strings.Repeat("k", 32)))})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"": "This field is required.", " \t\n": "This field is required.", " a ": ""} {
		err := reg.Validate(&Note{Title: in})
		var e *actions.Error
		got := ""
		if errors.As(err, &e) {
			got = e.Fields["title"]
		}
		if got != want {
			t.Errorf("%q: %q, want %q (%v)", in, got, want, err)
		}
	}
}
