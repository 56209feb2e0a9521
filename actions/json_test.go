package actions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/actions"
)

// Visit has dates where a form sends them as YYYY-MM-DD.
type Visit struct {
	Title string    `form:"title" json:"title" validate:"required"`
	Due   time.Time `form:"due" json:"due" validate:"required"`
	Count int64     `form:"count" json:"count"`
	Stops []struct {
		At time.Time `form:"at" json:"at"`
	} `form:"stops" json:"stops"`
}

// JSON callers send dates as forms do or in RFC 3339, and every value that
// does not fit its field is named, in the form's key space, with 422.
func TestJSONFieldErrorsAndDates(t *testing.T) {
	reg, _ := actions.NewRegistry(actions.Config{Keys: ring(secret)})
	visit := actions.New("visit.plan", func(ctx context.Context, in Visit) (Visit, error) { return in, nil }, actions.Public())
	if err := reg.Register(visit); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		body   string
		fields map[string]string
		due    time.Time
	}{
		"a bare date":      {`{"title":"x","due":"2026-11-23"}`, nil, day},
		"RFC 3339":         {`{"title":"x","due":"2026-11-23T00:00:00Z"}`, nil, day},
		"a date in a list": {`{"title":"x","due":"2026-11-23","stops":[{"at":"2026-11-24"}]}`, nil, day},
		"a bad date":       {`{"title":"x","due":"tomorrow"}`, map[string]string{"due": "Enter a valid date."}, time.Time{}},
		"a bad date in a list, and a bad number": {`{"title":"","due":"2026-11-23","count":"many","stops":[{"at":"2026-11-24"},{"at":"soon"}]}`,
			map[string]string{"stops.1.at": "Enter a valid date.", "count": "Enter a whole number."}, time.Time{}},
	} {
		t.Run(name, func(t *testing.T) {
			res := post(t, reg, t.Context(), visit.ID(), "application/json", strings.NewReader(tc.body))
			if tc.fields == nil {
				if !res.OK() || !res.Out.(Visit).Due.Equal(tc.due) {
					t.Fatalf("%+v", res)
				}
				return
			}
			if res.Status != actions.StatusInvalid {
				t.Fatalf("%+v", res)
			}
			for k, want := range tc.fields {
				if res.Fields[k] != want {
					t.Errorf("field %s: %q, want %q (all: %v)", k, res.Fields[k], want, res.Fields)
				}
			}
		})
	}
	// Numbers pass through the date rewrite exactly, unknown fields are
	// still named, and nothing may follow the object.
	res := post(t, reg, t.Context(), visit.ID(), "application/json", strings.NewReader(`{"title":"x","due":"2026-11-23","count":9007199254740993}`))
	if !res.OK() || res.Out.(Visit).Count != 9007199254740993 {
		t.Fatalf("a large number changed: %+v", res)
	}
	for body, says := range map[string]string{
		`{"title":"x","due":"2026-11-23","color":"red"}`: `unknown field "color"`,
		`{"title":"x","due":"2026-11-23"} []`:            "data after its object",
	} {
		res := post(t, reg, t.Context(), visit.ID(), "application/json", strings.NewReader(body))
		if diff := cmp.Diff(actions.KindMalformed, res.Kind); diff != "" || !strings.Contains(res.Error, says) {
			t.Errorf("%s: %v %q", body, res.Kind, res.Error)
		}
	}
}
