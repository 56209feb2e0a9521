package actions_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/formwork-dev/formwork/actions"
)

// Avatar has a file field with limits.
type Avatar struct {
	Picture *actions.File `form:"picture" file:"max=1KB,types=image/png image/jpeg" validate:"required"`
}

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

// A file over its field's limits is that field's error, in words, judged
// by its content rather than by the type the client claims.
func TestFileLimits(t *testing.T) {
	reg, _ := actions.NewRegistry(actions.Config{Keys: ring(secret)})
	var got *actions.File
	avatar := actions.New("avatar.save", func(ctx context.Context, in Avatar) (int64, error) {
		got = in.Picture
		return in.Picture.Size, nil
	}, actions.Public())
	if err := reg.Register(avatar); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		claimed string
		content []byte
		says    string
	}{
		"a small PNG":                  {"image/png", pngHeader, ""},
		"text that claims to be a PNG": {"image/png", []byte("just some words"), "Use a PNG or JPEG file."},
		"a PNG over the size":          {"image/png", append(append([]byte{}, pngHeader...), make([]byte, 2000)...), "Use a file of at most 1 KB."},
		"a PNG sent as octet-stream":   {"application/octet-stream", pngHeader, ""},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("_action", avatar.ID())
			h := make(map[string][]string)
			h["Content-Disposition"] = []string{`form-data; name="picture"; filename="me.png"`}
			h["Content-Type"] = []string{tc.claimed}
			w, _ := mw.CreatePart(h)
			w.Write(tc.content)
			mw.Close()
			got = nil
			res := post(t, reg, t.Context(), "", mw.FormDataContentType(), &buf)
			if tc.says == "" {
				if !res.OK() || got == nil || got.Size != int64(len(tc.content)) {
					t.Fatalf("%+v", res)
				}
				return
			}
			if res.Status != actions.StatusInvalid || res.Fields["picture"] != tc.says || got != nil {
				t.Fatalf("%+v", res)
			}
		})
	}
}

func TestFileLimitTagsAreChecked(t *testing.T) {
	type BadSize struct {
		F *actions.File `form:"f" file:"max=big"`
	}
	type BadType struct {
		F *actions.File `form:"f" file:"types=png"`
	}
	type BadKey struct {
		F *actions.File `form:"f" file:"size=1KB"`
	}
	for name, h := range map[string]actions.Handler{
		"size": actions.New("a", func(context.Context, BadSize) (int, error) { return 0, nil }, actions.Public()),
		"type": actions.New("a", func(context.Context, BadType) (int, error) { return 0, nil }, actions.Public()),
		"key":  actions.New("a", func(context.Context, BadKey) (int, error) { return 0, nil }, actions.Public()),
	} {
		reg, _ := actions.NewRegistry(actions.Config{Keys: ring(secret)})
		if err := reg.Register(h); err == nil || !strings.Contains(err.Error(), "file tag") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
