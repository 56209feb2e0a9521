package actions_test

import (
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/formwork-dev/formwork/actions"
)

// FuzzDecodeForm sends arbitrary URL-encoded bodies through the whole parse
// seam. Whatever the body, Invoke must not panic, must end with a known
// kind, and must never run the mutation on a body it refused.
func FuzzDecodeForm(f *testing.F) {
	app := newApp(f)
	id := app.create.ID()
	for _, seed := range []string{
		"_action=" + id + "&customer=acme&email=a%40example.com&items.0.sku=X&items.0.qty=2",
		"_action=" + id + "&items.99999999.qty=1",
		"_action=" + id + "&items.-1.qty=1",
		"_action=" + id + "&items..qty=1&%zz",
		"_action=" + id + "&customer=" + strings.Repeat("%E2%82%AC", 50),
		"_action=AAAAAAAAAAAAAAAAAAAAAA",
		"customer=acme&_action=" + id,
		"",
	} {
		f.Add(seed)
	}
	ctx := actions.WithPrincipal(f.Context(), user{"ann", ""})
	f.Fuzz(func(t *testing.T, body string) {
		ran := app.ran
		res := post(t, app.reg, ctx, "", urlencoded, strings.NewReader(body))
		switch res.Status {
		case actions.StatusOK:
			if app.ran != ran+1 {
				t.Fatal("OK without running the mutation")
			}
		case actions.StatusInvalid, actions.StatusFailed:
			if res.Kind != actions.KindInternal && res.Kind != actions.KindInvalid && app.ran != ran {
				t.Fatalf("mutation ran on a refused body (%v)", res.Kind)
			}
		default:
			t.Fatalf("status %q", res.Status)
		}
	})
}

// FuzzOpenBound sends arbitrary sealed values. Only genuine seals open (the
// fuzzing workers each seal the seed anew, so a genuine seal is recognised by
// what it carries), and nothing panics.
func FuzzOpenBound(f *testing.F) {
	app := newApp(f)
	sealed, err := app.archive.Seal(url.Values{"project_id": {"7"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add(sealed[:len(sealed)-1])
	f.Add("")
	f.Add("!!!!")
	f.Add(strings.Repeat("A", 4000))
	ctx := actions.WithPrincipal(f.Context(), user{"ann", "admin"})
	f.Fuzz(func(t *testing.T, s string) {
		res := post(t, app.reg, ctx, "", urlencoded, strings.NewReader(url.Values{"_action": {app.archive.ID()}, "_bound": {s}}.Encode()))
		switch {
		case s == sealed && !res.OK():
			t.Fatalf("genuine seal refused: %+v", res)
		case res.OK() && res.Out != int64(7):
			t.Fatalf("forged seal %q opened with %v", s, res.Out)
		case !res.OK() && res.Kind != actions.KindMalformed && res.Kind != actions.KindTooLarge:
			t.Fatalf("seal %.80q: kind %v, want malformed (or too large)", s, res.Kind)
		}
	})
}

// TestSliceIndexIsBounded is the CVE-2024-37298 check: a huge slice index
// is refused without allocating a slice that large.
func TestSliceIndexIsBounded(t *testing.T) {
	app := newApp(t)
	ctx := actions.WithPrincipal(t.Context(), user{"ann", ""})
	body := "_action=" + app.create.ID() + "&customer=a&email=a%40example.com&items.15999.qty=1"
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res := post(t, app.reg, ctx, "", urlencoded, strings.NewReader(body))
	runtime.ReadMemStats(&after)
	if res.Kind != actions.KindMalformed || app.ran != 0 {
		t.Fatalf("result = %+v", res)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<10 {
		t.Fatalf("one request allocated %d bytes", grew)
	}
}
