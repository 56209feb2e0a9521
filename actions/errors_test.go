package actions_test

import (
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
