package actions_test

import (
	"context"
	"maps"
	"net/http/httptest"
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

// A JSON value of the wrong type is keyed as its field's form name, as the
// validator keys it, so the two never name one field twice.
func TestJSONTypeErrorKeyedAsForm(t *testing.T) {
	type In struct {
		Title string `json:"title" validate:"required"`
		Due   struct {
			Days int `form:"days" json:"in_days"`
		} `form:"due" json:"due_date"`
	}
	reg, err := actions.NewRegistry(actions.Config{Keys: ring(secret)})
	if err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string]map[string]string{
		`{"title":5}`: {"Title": "This value is not valid."},
		`{"title":"x","due_date":{"in_days":"soon"}}`: {"due.days": "Enter a whole number."},
	} {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		var in In
		err := reg.Decode(req, &in, 0)
		if e, ok := err.(*actions.Error); !ok || !maps.Equal(e.Fields, want) {
			t.Errorf("%s: %v, want fields %v", body, err, want)
		}
	}
}

// Decode reads a body as an action reads its input: within its limit, in
// the content types actions take, into a pointer to a struct.
func TestDecode(t *testing.T) {
	type In struct {
		Name string `form:"name" json:"name" validate:"required"`
	}
	reg, err := actions.NewRegistry(actions.Config{Keys: ring(secret)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ctype, body string
		limit       int64
		kind        actions.Kind
		want        string
	}{
		{"application/json", `{"name":"ann"}`, 0, 0, "ann"},
		{"application/x-www-form-urlencoded", "name=bob", 0, 0, "bob"},
		{"multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ncy\r\n--X--\r\n", 0, 0, "cy"},
		{"application/json", `{"name":"ann"}`, 5, actions.KindTooLarge, ""},
		{"application/json", `{"name":""}`, 0, actions.KindInvalid, ""},
		{"text/csv", `name`, 0, actions.KindUnsupportedMedia, ""},
		{"application/x-www-form-urlencoded", "name=bob&role=admin", 0, actions.KindMalformed, ""},
	} {
		req := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.ctype)
		var in In
		err := reg.Decode(req, &in, tc.limit)
		if tc.want != "" && (err != nil || in.Name != tc.want) || tc.want == "" && actions.KindOf(err) != tc.kind {
			t.Errorf("%s %q: %v, %+v", tc.ctype, tc.body, err, in)
		}
	}
	var notStruct int
	if err := reg.Decode(httptest.NewRequest("POST", "/", strings.NewReader("{}")), &notStruct, 0); actions.KindOf(err) != actions.KindInternal {
		t.Errorf("into an int: %v", err)
	}
}
