package actions_test

import (
	"context"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/formwork-dev/formwork/actions"
)

type Post struct {
	Title string `form:"title" json:"title" validate:"required,max=10"`
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r    io.Reader
	read int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

// A policy that needs no input refuses before the body is read: a
// signed-out caller of a signed-in action gets 401 whatever it sent, learns
// nothing of the action's fields, and costs no parsing; a member gets 403
// the same way from an admin's action.
func TestRefusedBeforeTheBodyIsRead(t *testing.T) {
	reg, err := actions.NewRegistry(actions.Config{Keys: ring([]byte(strings.Repeat("k", 32)))})
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	mutate := func(ctx context.Context, in Post) (Post, error) { ran++; return in, nil }
	signedIn := actions.New("post.add", mutate, actions.SignedIn())
	admin := actions.New("post.pin", mutate, actions.RequireRole("admin"))
	if err := reg.Register(signedIn, admin); err != nil {
		t.Fatal(err)
	}
	bulk := strings.Repeat("x", 900<<10) // 900 KB of an invalid title
	member := actions.WithPrincipal(context.Background(), user{"ann", "member"})
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		h     actions.Handler
		id    string // for the endpoint; "" for a page's form
		ctype string
		body  string
		kind  actions.Kind
	}{
		{"form, signed out", context.Background(), signedIn, "", urlencoded,
			url.Values{"_action": {signedIn.ID()}}.Encode() + "&_form=f&title=" + bulk, actions.KindUnauthenticated},
		{"JSON, signed out", context.Background(), signedIn, signedIn.ID(), "application/json",
			`{"title":"` + bulk + `"}`, actions.KindUnauthenticated},
		{"multipart, signed out", context.Background(), signedIn, "", "multipart/form-data; boundary=B",
			"--B\r\nContent-Disposition: form-data; name=\"_action\"\r\n\r\n" + signedIn.ID() +
				"\r\n--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + bulk + "\r\n--B--\r\n", actions.KindUnauthenticated},
		{"form, a member to an admin's action", member, admin, "", urlencoded,
			url.Values{"_action": {admin.ID()}}.Encode() + "&_form=f&title=" + bulk, actions.KindForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &countingReader{r: strings.NewReader(tc.body)}
			res := post(t, reg, tc.ctx, tc.id, tc.ctype, body)
			if res.Kind != tc.kind || len(res.Fields) != 0 || ran != 0 {
				t.Fatalf("got %v, fields %v, ran %d", res.Kind, res.Fields, ran)
			}
			if body.read > 4<<10 {
				t.Errorf("read %d bytes of the body before refusing", body.read)
			}
		})
	}
	// Signed in, the same body is read, and its fields named.
	res := post(t, reg, member, "", urlencoded, strings.NewReader(url.Values{"_action": {signedIn.ID()}, "title": {bulk}}.Encode()))
	if res.Kind != actions.KindInvalid || res.Fields["title"] == "" {
		t.Fatalf("signed in: %v %v", res.Kind, res.Fields)
	}
}

// A body that names its action late is read, but a caller the policy
// refuses still learns nothing of the action's fields: the policy runs
// before the body is decoded, unknown fields and all.
func TestRefusedWhenTheIDComesLate(t *testing.T) {
	reg, err := actions.NewRegistry(actions.Config{Keys: ring([]byte(strings.Repeat("k", 32)))})
	if err != nil {
		t.Fatal(err)
	}
	h := actions.New("post.add", func(ctx context.Context, in Post) (Post, error) { return in, nil }, actions.SignedIn())
	if err := reg.Register(h); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{
		"nosuch=1&_action=" + h.ID(),
		"title=" + strings.Repeat("x", 20) + "&_action=" + h.ID(),
	} {
		res := post(t, reg, context.Background(), "", urlencoded, strings.NewReader(body))
		if res.Kind != actions.KindUnauthenticated || len(res.Fields) != 0 || strings.Contains(res.Error, "nosuch") {
			t.Errorf("%.20s…: %v %q %v", body, res.Kind, res.Error, res.Fields)
		}
	}
}
