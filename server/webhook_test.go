package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// deliveries records what a webhook's handle was called with, and says
// "seen" for an event ID it processed before, as an app's table of seen
// IDs would (the demo keeps that table in SQLite, in the effect's
// transaction).
type deliveries struct {
	mu        sync.Mutex
	calls     int
	processed []server.WebhookEvent
	seen      map[string]bool
	fail      error // returned by every call, when set
}

func (d *deliveries) handle(ctx context.Context, e server.WebhookEvent) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	switch {
	case d.fail != nil:
		return d.fail
	case d.seen[e.ID]:
		return fmt.Errorf("event %s: %w", e.ID, server.ErrDuplicateEvent)
	}
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	d.seen[e.ID] = true
	d.processed = append(d.processed, e)
	return nil
}

// ids lists the IDs of the events processed, in order.
func (d *deliveries) ids() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var ids []string
	for _, e := range d.processed {
		ids = append(ids, e.ID)
	}
	return ids
}

func (d *deliveries) count() (calls, processed int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls, len(d.processed)
}

// newWebhookServer serves srv.Webhook(v, d.handle) at /hook, and a plain
// route at /things, over loopback; the registry's body cap is maxBody (0
// for the default).
func newWebhookServer(t *testing.T, maxBody int64, v server.WebhookVerifier, d *deliveries) *httptest.Server {
	t.Helper()
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys(), MaxBodyBytes: maxBody})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/hook", srv.Webhook(v, d.handle))
	srv.Handle("/things", srv.Route().Post(func(w http.ResponseWriter, r *http.Request) error { return nil }))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// deliver POSTs body with header to url, as a webhook's sender does.
func deliver(t *testing.T, url string, body io.Reader, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A webhook case: a delivery of the event with ID id, and what it gets.
type webhookCase struct {
	name    string
	deliver func(id string) (body []byte, header http.Header)
	status  int
	detail  string // the problem's detail, for a status other than 200
}

// checkWebhookCases delivers each case once, to a fresh event ID, and
// checks its answer: 200 with a receipt, and handle called once, or a
// problem that echoes nothing of the body, and handle not called.
func checkWebhookCases(t *testing.T, ts *httptest.Server, d *deliveries, cases []webhookCase) {
	t.Helper()
	for i, tc := range cases {
		id := fmt.Sprintf("evt_%d_secret_body_marker", i)
		body, header := tc.deliver(id)
		callsBefore, _ := d.count()
		resp, got := deliver(t, ts.URL+"/hook", bytes.NewReader(body), header)
		calls, _ := d.count()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, got)
			continue
		}
		if tc.status == 200 {
			want := `{"received":true,"id":"` + id + `"}`
			if got != want || calls != callsBefore+1 {
				t.Errorf("%s: %s, want %s; handle called %d times", tc.name, got, want, calls-callsBefore)
			}
			continue
		}
		var p server.Problem
		if err := json.Unmarshal([]byte(got), &p); err != nil || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %v %q", tc.name, err, got)
		}
		if p.Detail != tc.detail || p.Kind != "malformed" || strings.Contains(got, "marker") || calls != callsBefore {
			t.Errorf("%s: %s, want detail %q; handle called %d times", tc.name, got, tc.detail, calls-callsBefore)
		}
	}
}

// stripeSigned is a Stripe delivery of payload signed with secret at t by
// Stripe's own library; scheme "" is v1.
func stripeSigned(payload []byte, secret string, t time.Time, scheme string) *webhook.SignedPayload {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: t, Scheme: scheme})
}

func stripeHeader(v string) http.Header { return http.Header{"Stripe-Signature": {v}} }

func stripeEvent(id string) []byte {
	return []byte(`{"id":"` + id + `","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1"}}}`)
}

const (
	stripeSecret   = "whsec_current0123456789abcdef"
	stripePrevious = "whsec_previous0123456789abcdef"
	stripeRetired  = "whsec_retired0123456789abcdef"
)

// Stripe deliveries pass when any v1 value is by any of our secrets,
// within five minutes either way; everything else is a 400 problem that
// says why, and the handle never runs.
func TestStripeWebhook(t *testing.T) {
	v, err := server.NewStripeVerifier(stripeSecret, stripePrevious)
	if err != nil {
		t.Fatal(err)
	}
	d := &deliveries{}
	ts := newWebhookServer(t, 0, v, d)
	signed := func(secret string, at time.Duration) func(string) ([]byte, http.Header) {
		return func(id string) ([]byte, http.Header) {
			p := stripeSigned(stripeEvent(id), secret, time.Now().Add(at), "")
			return p.Payload, stripeHeader(p.Header)
		}
	}
	header := func(f func(sp *webhook.SignedPayload) string) func(string) ([]byte, http.Header) {
		return func(id string) ([]byte, http.Header) {
			p := stripeSigned(stripeEvent(id), stripeSecret, time.Now(), "")
			return p.Payload, stripeHeader(f(p))
		}
	}
	const (
		noMatch  = "The webhook signature does not match."
		tooFar   = "The webhook timestamp is outside the 5-minute tolerance."
		garbled  = "The webhook's Stripe-Signature header could not be read."
		noHeader = "The webhook has no Stripe-Signature header."
	)
	checkWebhookCases(t, ts, d, []webhookCase{
		{"valid", signed(stripeSecret, 0), 200, ""},
		{"signed with our second secret", signed(stripePrevious, 0), 200, ""},
		{"within the tolerance, past", signed(stripeSecret, -4*time.Minute), 200, ""},
		{"within the tolerance, future", signed(stripeSecret, 4*time.Minute), 200, ""},
		{"rolled: the retired secret's v1 first, ours second", func(id string) ([]byte, http.Header) {
			now := time.Now()
			old, cur := stripeSigned(stripeEvent(id), stripeRetired, now, ""), stripeSigned(stripeEvent(id), stripeSecret, now, "")
			return cur.Payload, stripeHeader(fmt.Sprintf("t=%d,v1=%x,v1=%x", now.Unix(), old.Signature, cur.Signature))
		}, 200, ""},
		{"a v0 value is ignored", func(id string) ([]byte, http.Header) {
			now := time.Now()
			v0, v1 := stripeSigned(stripeEvent(id), stripeRetired, now, "v0"), stripeSigned(stripeEvent(id), stripeSecret, now, "")
			return v1.Payload, stripeHeader(v0.Header + fmt.Sprintf(",v1=%x", v1.Signature))
		}, 200, ""},
		{"tampered payload", func(id string) ([]byte, http.Header) {
			p := stripeSigned(stripeEvent(id), stripeSecret, time.Now(), "")
			return bytes.Replace(p.Payload, []byte("in_1"), []byte("in_2"), 1), stripeHeader(p.Header)
		}, 400, noMatch},
		{"wrong secret", signed("whsec_wrong0123456789abcdef", 0), 400, noMatch},
		{"retired secret only", signed(stripeRetired, 0), 400, noMatch},
		{"signed six minutes ago", signed(stripeSecret, -6*time.Minute), 400, tooFar},
		{"signed six minutes ahead", signed(stripeSecret, 6*time.Minute), 400, tooFar},
		{"missing header", func(id string) ([]byte, http.Header) { return stripeEvent(id), nil }, 400, noHeader},
		{"no t", header(func(p *webhook.SignedPayload) string { return fmt.Sprintf("v1=%x", p.Signature) }), 400, garbled},
		{"t not a number", header(func(p *webhook.SignedPayload) string { return fmt.Sprintf("t=soon,v1=%x", p.Signature) }), 400, garbled},
		{"no v1", header(func(p *webhook.SignedPayload) string { return fmt.Sprintf("t=%d", p.Timestamp.Unix()) }), 400, garbled},
		{"v1 not hex", header(func(p *webhook.SignedPayload) string { return p.Header + ",v1=zz" }), 400, garbled},
		{"not key=value", header(func(p *webhook.SignedPayload) string { return p.Header + ",garbage" }), 400, garbled},
		{"two timestamps", header(func(p *webhook.SignedPayload) string { return p.Header + ",t=1" }), 400, garbled},
		{"v0 only", func(id string) ([]byte, http.Header) {
			p := stripeSigned(stripeEvent(id), stripeSecret, time.Now(), "v0")
			return p.Payload, stripeHeader(p.Header)
		}, 400, garbled},
		{"verified, but not JSON", func(id string) ([]byte, http.Header) {
			p := stripeSigned([]byte("id="+id), stripeSecret, time.Now(), "")
			return p.Payload, stripeHeader(p.Header)
		}, 400, "The webhook body is not a JSON object."},
		{"verified, but no id", func(id string) ([]byte, http.Header) {
			p := stripeSigned([]byte(`{"type":"invoice.paid","note":"`+id+`"}`), stripeSecret, time.Now(), "")
			return p.Payload, stripeHeader(p.Header)
		}, 400, "The webhook body has no id."},
	})
	_, processed := d.count()
	if processed != 6 || d.processed[0].Type != "invoice.paid" || !strings.Contains(string(d.processed[0].Body), `"in_1"`) {
		t.Fatalf("processed %d: %v", processed, d.ids())
	}
}

// standardSigned signs payload for Standard Webhooks with secret, as the
// spec's own Go library does; it returns the webhook-signature value.
func standardSigned(t *testing.T, secret, id string, at time.Time, payload []byte) string {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := wh.Sign(id, at, payload)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func standardHeader(id string, at time.Time, sig string) http.Header {
	h := http.Header{}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	h.Set("webhook-signature", sig)
	return h
}

func standardSecret(seed string) string {
	return "whsec_" + base64.StdEncoding.EncodeToString([]byte(seed+"-0123456789abcdefghij"))
}

// Standard Webhooks deliveries pass when any v1 signature is by any of our
// secrets, within five minutes either way; everything else is a 400
// problem that says why, and the handle never runs.
func TestStandardWebhooks(t *testing.T) {
	current, previous, retired := standardSecret("current"), standardSecret("previous"), standardSecret("retired")
	v, err := server.NewStandardWebhooksVerifier(current, strings.TrimPrefix(previous, "whsec_")) // the prefix is optional
	if err != nil {
		t.Fatal(err)
	}
	d := &deliveries{}
	ts := newWebhookServer(t, 0, v, d)
	event := func(id string) []byte { return []byte(`{"type":"invoice.paid","data":{"invoice":"` + id + `"}}`) }
	signed := func(secret string, at time.Duration) func(string) ([]byte, http.Header) {
		return func(id string) ([]byte, http.Header) {
			now := time.Now().Add(at)
			return event(id), standardHeader(id, now, standardSigned(t, secret, id, now, event(id)))
		}
	}
	edit := func(f func(h http.Header)) func(string) ([]byte, http.Header) {
		return func(id string) ([]byte, http.Header) {
			body, h := signed(current, 0)(id)
			f(h)
			return body, h
		}
	}
	const (
		noMatch = "The webhook signature does not match."
		tooFar  = "The webhook timestamp is outside the 5-minute tolerance."
		missing = "The webhook needs webhook-id, webhook-timestamp and webhook-signature headers."
		garbled = "The webhook's webhook-signature header could not be read."
	)
	checkWebhookCases(t, ts, d, []webhookCase{
		{"valid", signed(current, 0), 200, ""},
		{"signed with our second secret", signed(previous, 0), 200, ""},
		{"rotated: the retired secret's v1 first, ours second", func(id string) ([]byte, http.Header) {
			now := time.Now()
			sig := standardSigned(t, retired, id, now, event(id)) + " " + standardSigned(t, current, id, now, event(id))
			return event(id), standardHeader(id, now, sig)
		}, 200, ""},
		{"a v1a signature is ignored", edit(func(h http.Header) {
			h.Set("webhook-signature", "v1a,bm90IGEgc2lnbmF0dXJl "+h.Get("webhook-signature"))
		}), 200, ""},
		{"tampered payload", func(id string) ([]byte, http.Header) {
			body, h := signed(current, 0)(id)
			return bytes.Replace(body, []byte("paid"), []byte("void"), 1), h
		}, 400, noMatch},
		{"another ID", edit(func(h http.Header) { h.Set("webhook-id", h.Get("webhook-id")+"x") }), 400, noMatch},
		{"wrong secret", signed(standardSecret("wrong"), 0), 400, noMatch},
		{"signed six minutes ago", signed(current, -6*time.Minute), 400, tooFar},
		{"signed six minutes ahead", signed(current, 6*time.Minute), 400, tooFar},
		{"missing webhook-id", edit(func(h http.Header) { h.Del("webhook-id") }), 400, missing},
		{"missing webhook-timestamp", edit(func(h http.Header) { h.Del("webhook-timestamp") }), 400, missing},
		{"missing webhook-signature", edit(func(h http.Header) { h.Del("webhook-signature") }), 400, missing},
		{"timestamp not a number", edit(func(h http.Header) { h.Set("webhook-timestamp", "soon") }), 400,
			"The webhook's webhook-timestamp header could not be read."},
		{"no version", edit(func(h http.Header) { h.Set("webhook-signature", "garbage") }), 400, garbled},
		{"v1 not base64", edit(func(h http.Header) { h.Set("webhook-signature", "v1,!!!") }), 400, garbled},
		{"v1a only", edit(func(h http.Header) { h.Set("webhook-signature", "v1a,bm90IGEgc2lnbmF0dXJl") }), 400, garbled},
	})
	_, processed := d.count()
	if processed != 4 || d.processed[0].ID != "evt_0_secret_body_marker" || d.processed[0].Type != "invoice.paid" {
		t.Fatalf("processed %d: %v", processed, d.ids())
	}
}

// A redelivered event is acknowledged, 200 both times, and processed
// once: the handle says "seen" with ErrDuplicateEvent, wrapped or not.
func TestWebhookRedelivery(t *testing.T) {
	v, _ := server.NewStripeVerifier(stripeSecret)
	d := &deliveries{}
	ts := newWebhookServer(t, 0, v, d)
	p := stripeSigned(stripeEvent("evt_again"), stripeSecret, time.Now(), "")
	for i, want := range []string{`{"received":true,"id":"evt_again"}`, `{"received":true,"id":"evt_again","duplicate":true}`} {
		resp, body := deliver(t, ts.URL+"/hook", bytes.NewReader(p.Payload), stripeHeader(p.Header))
		if resp.StatusCode != 200 || body != want {
			t.Errorf("delivery %d: %d %s, want %s", i+1, resp.StatusCode, body, want)
		}
	}
	if calls, processed := d.count(); calls != 2 || processed != 1 {
		t.Fatalf("handle called %d times, processed %d", calls, processed)
	}
}

// An error from the handle is a problem with its kind's status, so that
// the sender retries; an internal one shows nothing of its cause.
func TestWebhookHandleFails(t *testing.T) {
	v, _ := server.NewStripeVerifier(stripeSecret)
	for name, tc := range map[string]struct {
		err    error
		status int
	}{
		"internal":    {errors.New("database password hunter2 rejected"), 500},
		"unavailable": {&actions.Error{Kind: actions.KindUnavailable, RetryAfter: 30 * time.Second}, 503},
	} {
		ts := newWebhookServer(t, 0, v, &deliveries{fail: tc.err})
		p := stripeSigned(stripeEvent("evt_fails"), stripeSecret, time.Now(), "")
		resp, body := deliver(t, ts.URL+"/hook", bytes.NewReader(p.Payload), stripeHeader(p.Header))
		if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "application/problem+json" || strings.Contains(body, "hunter2") {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
}

// A body over the registry's cap is a 413 problem, whether its length was
// declared or not, and is never verified: the handle does not run. A body
// of exactly the cap passes.
func TestWebhookTooLarge(t *testing.T) {
	const limit = 4096
	v, _ := server.NewStripeVerifier(stripeSecret)
	d := &deliveries{}
	ts := newWebhookServer(t, limit, v, d)
	sized := func(id string, n int) *webhook.SignedPayload {
		head := `{"id":"` + id + `","type":"big","pad":"`
		return stripeSigned([]byte(head+strings.Repeat("x", n-len(head)-2)+`"}`), stripeSecret, time.Now(), "")
	}
	chunked := func(b []byte) io.Reader { return io.MultiReader(bytes.NewReader(b)) } // no length: sent chunked
	for _, tc := range []struct {
		name   string
		p      *webhook.SignedPayload
		body   func([]byte) io.Reader
		status int
	}{
		{"at the cap", sized("evt_at", limit), func(b []byte) io.Reader { return bytes.NewReader(b) }, 200},
		{"over the cap, declared", sized("evt_over", limit+1), func(b []byte) io.Reader { return bytes.NewReader(b) }, 413},
		{"over the cap, chunked", sized("evt_chunked", limit+1), chunked, 413},
		{"far over the cap, chunked", sized("evt_far", 64*limit), chunked, 413},
	} {
		callsBefore, _ := d.count()
		resp, body := deliver(t, ts.URL+"/hook", tc.body(tc.p.Payload), stripeHeader(tc.p.Header))
		calls, _ := d.count()
		wantCalls := 0
		if tc.status == 200 {
			wantCalls = 1
		}
		if resp.StatusCode != tc.status || calls-callsBefore != wantCalls {
			t.Errorf("%s: %d %s; handle called %d times", tc.name, resp.StatusCode, body, calls-callsBefore)
		}
		if tc.status == 413 && !strings.Contains(body, `"kind":"too_large"`) {
			t.Errorf("%s: %s", tc.name, body)
		}
	}
}

// A webhook's sender is a server, and its signature is its proof: a
// browser-style cross-origin POST reaches verification, where another
// route refuses it with 403.
func TestWebhookCrossOrigin(t *testing.T) {
	v, _ := server.NewStripeVerifier(stripeSecret)
	d := &deliveries{}
	ts := newWebhookServer(t, 0, v, d)
	browser := func(h http.Header) http.Header {
		h.Set("Origin", "https://evil.example")
		h.Set("Sec-Fetch-Site", "cross-site")
		return h
	}
	if resp, body := deliver(t, ts.URL+"/things", strings.NewReader("{}"), browser(http.Header{})); resp.StatusCode != 403 {
		t.Fatalf("a plain route: %d %s", resp.StatusCode, body)
	}
	p := stripeSigned(stripeEvent("evt_cross"), stripeSecret, time.Now(), "")
	resp, body := deliver(t, ts.URL+"/hook", bytes.NewReader(p.Payload), browser(stripeHeader(p.Header)))
	if resp.StatusCode != 200 {
		t.Fatalf("signed: %d %s", resp.StatusCode, body)
	}
	resp, body = deliver(t, ts.URL+"/hook", bytes.NewReader(p.Payload), browser(stripeHeader("t=1,v1="+hex.EncodeToString([]byte("forged")))))
	if resp.StatusCode != 400 || !strings.Contains(body, "does not match") {
		t.Fatalf("forged: %d %s", resp.StatusCode, body)
	}
}

// The tolerance is five minutes either way, inclusive, unless the
// verifier sets another; a refusal is of kind malformed, matched by kind.
func TestWebhookTolerance(t *testing.T) {
	signedAt := time.Unix(1_700_000_000, 0)
	p := stripeSigned(stripeEvent("evt_t"), stripeSecret, signedAt, "")
	h := stripeHeader(p.Header)
	v, _ := server.NewStripeVerifier(stripeSecret)
	for _, tc := range []struct {
		tolerance time.Duration
		after     time.Duration
		ok        bool
	}{
		{0, 5 * time.Minute, true},
		{0, -5 * time.Minute, true},
		{0, 5*time.Minute + time.Second, false},
		{0, -5*time.Minute - time.Second, false},
		{10 * time.Minute, 6 * time.Minute, true},
		{10 * time.Minute, 10*time.Minute + time.Second, false},
		{90 * time.Second, 2 * time.Minute, false},
	} {
		v.Tolerance = tc.tolerance
		e, err := v.Verify(h, p.Payload, signedAt.Add(tc.after))
		if (err == nil) != tc.ok || (err != nil && actions.KindOf(err) != actions.KindMalformed) {
			t.Errorf("tolerance %s, %s after: %v", tc.tolerance, tc.after, err)
		}
		if err == nil && (!e.Time.Equal(signedAt) || e.ID != "evt_t" || e.Type != "invoice.paid") {
			t.Errorf("tolerance %s: %+v", tc.tolerance, e)
		}
		if tc.tolerance == 90*time.Second && (err == nil || !strings.Contains(err.Error(), "90-second")) {
			t.Errorf("90s: %v", err)
		}
	}
}

// A verifier is refused at construction when it could verify nothing.
func TestWebhookSecrets(t *testing.T) {
	for name, f := range map[string]func() error{
		"stripe, none":           func() error { _, err := server.NewStripeVerifier(); return err },
		"stripe, empty":          func() error { _, err := server.NewStripeVerifier(""); return err },
		"stripe, prefix alone":   func() error { _, err := server.NewStripeVerifier("whsec_"); return err },
		"stripe, an API key":     func() error { _, err := server.NewStripeVerifier(stripeSecret, "sk_live_abc"); return err },
		"stripe, spaces":         func() error { _, err := server.NewStripeVerifier(stripeSecret + "\n"); return err },
		"standard, none":         func() error { _, err := server.NewStandardWebhooksVerifier(); return err },
		"standard, empty":        func() error { _, err := server.NewStandardWebhooksVerifier("whsec_"); return err },
		"standard, not base64":   func() error { _, err := server.NewStandardWebhooksVerifier("whsec_not base64!"); return err },
		"standard, one of two ✗": func() error { _, err := server.NewStandardWebhooksVerifier(standardSecret("a"), "%%%"); return err },
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
