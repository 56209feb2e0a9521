package app_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

const testStripeSecret = "whsec_test_demo_0123456789"

func paymentSucceeded(eventID string, invoiceID int64) []byte {
	return fmt.Appendf(nil, `{"id":%q,"object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","object":"payment_intent","metadata":{"invoice_id":"%d"}}}}`, eventID, invoiceID)
}

// deliver posts payload to the Stripe webhook, signed by Stripe's own test
// signer with secret at t, as a browser on another site would send it when
// cross is set.
func deliver(t *testing.T, url string, payload []byte, secret string, at time.Time, tamper func([]byte) []byte) (*http.Response, string) {
	t.Helper()
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at})
	body := signed.Payload
	if tamper != nil {
		body = tamper(bytes.Clone(body))
	}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", url+"/api/webhooks/stripe", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	req.Header.Set("Origin", "https://stripe.example") // exempt from cross-origin protection
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// openDemo starts the demo on the database file at path.
func openDemo(t *testing.T, path string) (*app.App, *app.DB, *httptest.Server) {
	t.Helper()
	db, err := app.OpenDB(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Config{DB: db, Secret: []byte(strings.Repeat("s", 32)), Logger: discardLogger(), StripeSecret: testStripeSecret})
	if err != nil {
		t.Fatal(err)
	}
	return a, db, httptest.NewServer(a.Handler())
}

func invoiceState(t *testing.T, db *app.DB, id int64) (status string, version int64) {
	t.Helper()
	if err := db.Read.QueryRowContext(t.Context(), `SELECT status, version FROM invoices WHERE id = ?`, id).Scan(&status, &version); err != nil {
		t.Fatal(err)
	}
	return status, version
}

// Stripe's payment_intent.succeeded marks the invoice paid, once: a
// redelivery, even after a restart, is acknowledged and changes nothing;
// a bad delivery is 400 and changes nothing.
func TestStripeWebhook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "invoices.db")
	a, db, ts := openDemo(t, path)
	const id = 2 // seeded open
	if status, _ := invoiceState(t, db, id); status != "open" {
		t.Fatalf("invoice %d is %s before payment", id, status)
	}
	now := time.Now()
	for name, bad := range map[string]struct {
		secret string
		at     time.Time
		tamper func([]byte) []byte
	}{
		"wrong secret":       {"whsec_someone_else", now, nil},
		"tampered":           {testStripeSecret, now, func(b []byte) []byte { return bytes.Replace(b, []byte(`"2"`), []byte(`"3"`), 1) }},
		"six minutes old":    {testStripeSecret, now.Add(-6 * time.Minute), nil},
		"six minutes ahead":  {testStripeSecret, now.Add(6 * time.Minute), nil},
		"signature stripped": {testStripeSecret, now, func(b []byte) []byte { return append(b, ' ') }},
	} {
		if resp, body := deliver(t, ts.URL, paymentSucceeded("evt_bad", id), bad.secret, bad.at, bad.tamper); resp.StatusCode != 400 ||
			resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want a 400 problem", name, resp.StatusCode, body)
		}
	}
	if status, _ := invoiceState(t, db, id); status != "open" {
		t.Fatalf("a refused delivery changed the invoice to %s", status)
	}

	resp, body := deliver(t, ts.URL, paymentSucceeded("evt_1", id), testStripeSecret, now, nil)
	if resp.StatusCode != 200 || body != `{"received":true,"id":"evt_1"}` {
		t.Fatalf("delivery: %d %s", resp.StatusCode, body)
	}
	status, version := invoiceState(t, db, id)
	if status != "paid" {
		t.Fatalf("after the delivery the invoice is %s", status)
	}
	if resp, body := deliver(t, ts.URL, paymentSucceeded("evt_1", id), testStripeSecret, now, nil); resp.StatusCode != 200 || !strings.Contains(body, `"duplicate":true`) {
		t.Errorf("redelivery: %d %s", resp.StatusCode, body)
	}

	// Restart: a new process on the same file still knows the event.
	ts.Close()
	a.Close()
	db.Close()
	a, db, ts = openDemo(t, path)
	defer func() { ts.Close(); a.Close(); db.Close() }()
	if resp, body := deliver(t, ts.URL, paymentSucceeded("evt_1", id), testStripeSecret, time.Now(), nil); resp.StatusCode != 200 || !strings.Contains(body, `"duplicate":true`) {
		t.Errorf("redelivery after a restart: %d %s", resp.StatusCode, body)
	}
	if _, again := invoiceState(t, db, id); again != version {
		t.Errorf("the redelivery wrote the invoice again: version %d, then %d", version, again)
	}

	// Other events are acknowledged and ignored.
	other := []byte(`{"id":"evt_2","object":"event","type":"customer.created","data":{"object":{}}}`)
	if resp, body := deliver(t, ts.URL, other, testStripeSecret, time.Now(), nil); resp.StatusCode != 200 {
		t.Errorf("another event type: %d %s", resp.StatusCode, body)
	}
}

// Two deliveries of one event at once are processed once.
func TestStripeWebhookConcurrentRedelivery(t *testing.T) {
	a, db, ts := openDemo(t, filepath.Join(t.TempDir(), "invoices.db"))
	defer func() { ts.Close(); a.Close(); db.Close() }()
	const id = 3
	_, before := invoiceState(t, db, id)
	done := make(chan string, 8)
	for range 8 {
		go func() {
			resp, body := deliver(t, ts.URL, paymentSucceeded("evt_race", id), testStripeSecret, time.Now(), nil)
			done <- fmt.Sprint(resp.StatusCode, strings.Contains(body, "duplicate"))
		}()
	}
	fresh := 0
	for range 8 {
		switch <-done {
		case "200 false":
			fresh++
		case "200 true":
		default:
			t.Error("a delivery was not acknowledged")
		}
	}
	if _, after := invoiceState(t, db, id); fresh != 1 || after != before+1 {
		t.Errorf("%d deliveries processed, version %d → %d; want one", fresh, before, after)
	}
}
