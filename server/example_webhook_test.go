package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/stripe/stripe-go/v84/webhook"
	_ "modernc.org/sqlite"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
	"github.com/formwork-dev/formwork/server"
)

// A Stripe webhook, mounted on the server. Its handle records the event's
// ID in the same transaction as the effect, so that a redelivery is
// acknowledged and does nothing twice; a delivery whose signature does not
// match never reaches it. The deliveries here are signed with Stripe's own
// library, as a test of the app's would be.
func ExampleServer_Webhook() {
	db, _ := sql.Open("sqlite", ":memory:")
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database
	db.Exec(`CREATE TABLE webhook_events (id TEXT PRIMARY KEY);
		CREATE TABLE invoices (id TEXT PRIMARY KEY, paid INTEGER NOT NULL DEFAULT 0);
		INSERT INTO invoices (id) VALUES ('in_1')`)

	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys})
	srv, _ := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	stripe, err := server.NewStripeVerifier("whsec_example_signing_secret")
	if err != nil {
		panic(err)
	}
	srv.Handle("/webhooks/stripe", srv.Webhook(stripe, func(ctx context.Context, e server.WebhookEvent) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_events (id) VALUES (?) ON CONFLICT DO NOTHING`, e.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return server.ErrDuplicateEvent
		}
		if e.Type == "invoice.paid" { // a real app decodes e.Body here
			if _, err := tx.ExecContext(ctx, `UPDATE invoices SET paid = paid + 1 WHERE id = 'in_1'`); err != nil {
				return err
			}
		}
		return tx.Commit()
	}))
	ts := httptest.NewServer(srv)
	defer ts.Close()

	deliver := func(secret string) {
		signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
			Payload:   []byte(`{"id":"evt_1","type":"invoice.paid","data":{"object":{"id":"in_1"}}}`),
			Secret:    secret,
			Timestamp: time.Now(),
		})
		req, _ := http.NewRequest("POST", ts.URL+"/webhooks/stripe", bytes.NewReader(signed.Payload))
		req.Header.Set("Stripe-Signature", signed.Header)
		resp, _ := http.DefaultClient.Do(req)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	deliver("whsec_example_signing_secret")
	deliver("whsec_example_signing_secret") // Stripe redelivers
	deliver("whsec_someone_else")
	var paid int
	db.QueryRow(`SELECT paid FROM invoices WHERE id = 'in_1'`).Scan(&paid)
	fmt.Println("paid", paid, "time")
	// Output:
	// 200 {"received":true,"id":"evt_1"}
	// 200 {"received":true,"id":"evt_1","duplicate":true}
	// 400 {"type":"about:blank","title":"Bad Request","status":400,"detail":"The webhook signature does not match.","kind":"malformed"}
	// paid 1 time
}
