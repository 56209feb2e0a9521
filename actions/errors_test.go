package actions_test

import (
	"testing"
	"time"

	"github.com/formwork-dev/formwork/actions"
)

func TestTooManyRequestsSaysWhen(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                "1 second",
		time.Second:                      "1 second",
		1500 * time.Millisecond:          "2 seconds",
		90 * time.Second:                 "90 seconds",
		91 * time.Second:                 "2 minutes",
		15 * time.Minute:                 "15 minutes",
		2 * time.Hour:                    "2 hours",
		90*time.Minute + time.Nanosecond: "2 hours",
	} {
		res := actions.ErrorResult(actions.TooManyRequests(d))
		if res.Kind != actions.KindTooManyRequests || res.Error != "Too many attempts. Try again in "+want+"." || res.RetryAfter != d {
			t.Errorf("%v: %v %q %v", d, res.Kind, res.Error, res.RetryAfter)
		}
	}
}
