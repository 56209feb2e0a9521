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

// Merged merges three ways: a field only they changed shows theirs, one
// only the user changed keeps the user's, one both changed keeps the
// user's with theirs in the note, and one nobody changed stays.
func TestMerged(t *testing.T) {
	was := map[string]string{"customer": "Globex", "notes": "", "amount": "10", "due": "2027-01-01"}
	sent := map[string]string{"customer": "Globex", "notes": "Net 30", "amount": "12", "due": "2027-01-01"}
	now := map[string]string{"customer": "Globex Corp", "notes": "", "amount": "11", "due": "2027-01-01"}
	err := actions.Merged("Changed.", was, sent, now, func(saved string) string { return "now " + saved })
	var e *actions.Error
	if !errors.As(err, &e) || e.Kind != actions.KindConflict || e.Message != "Changed." {
		t.Fatalf("got %v", err)
	}
	if e.Refill.Get("customer") != "Globex Corp" || len(e.Refill) != 1 {
		t.Errorf("refill %v, want only the customer they changed", e.Refill)
	}
	if e.Fields["amount"] != "now 11" || len(e.Fields) != 1 {
		t.Errorf("fields %v, want a note under the amount both changed", e.Fields)
	}
	res := actions.ErrorResult(err)
	if res.Fields["amount"] != "now 11" || res.Kind != actions.KindConflict {
		t.Errorf("result %+v", res)
	}
}
