package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/formwork-dev/formwork/actions"
)

// A WebhookVerifier checks a webhook delivery's signature over its raw
// bytes, before anything parses them, and returns the event it carries.
// Now is the time that the signed timestamp is checked against.
//
// A delivery that fails verification is an error of kind
// [actions.KindMalformed] (400), whose message says why in words safe to
// show the sender, and whose cause (its Err) is never shown; the body is
// never echoed. Any other error is answered by its kind, a plain error as an
// internal one (500), so that the sender retries.
//
// [NewStripeVerifier] and [NewStandardWebhooksVerifier] return the verifiers of the
// two common schemes.
type WebhookVerifier interface {
	Verify(h http.Header, body []byte, now time.Time) (WebhookEvent, error)
}

// A WebhookEvent is a verified webhook delivery.
type WebhookEvent struct {
	ID   string    // the event's ID: Stripe's body "id", Standard Webhooks' webhook-id header
	Type string    // the body's top-level "type", when it has one
	Time time.Time // the signed timestamp
	Body []byte    // the raw, verified bytes
}

// WebhookTolerance is how far a delivery's signed timestamp may be from
// now, either way, unless its verifier sets another Tolerance. It bounds
// how long a captured delivery can be replayed.
const WebhookTolerance = 5 * time.Minute

// ErrDuplicateEvent is what a webhook's handle returns, plain or wrapped,
// for an event it processed before: the delivery is acknowledged (200) so
// that the sender stops redelivering it, and nothing is done twice. See
// [Server.Webhook].
var ErrDuplicateEvent = errors.New("webhook event already processed")

// Webhook returns a route that answers POST deliveries of webhooks: it
// reads the raw body, verifies it with v before anything parses it, and
// calls handle with the verified event and the request's context.
//
// The body is capped as any route's is, at the registry's default body cap
// (1 MB unless set) or the route's [Route.MaxBytes]: a larger one is
// answered 413 and never verified. Its bytes count against
// Config.BodyBudget, as an action call's do, until handle returns.
//
// The answer to a delivery that handle processed is 200 with a small
// JSON body, {"received":true,"id":"evt_…"}. A handle that returns
// [ErrDuplicateEvent] is answered 200 too, with "duplicate":true, so
// that the sender stops redelivering. Any other error is a problem, its
// kind picking the status from the one table: an internal error is a 500,
// and the sender retries.
//
// Senders deliver at least once, so the same event can arrive twice, even
// at once. Record its ID in the same database transaction as its effect,
// under a unique key, and say "seen" with ErrDuplicateEvent: the record
// and the effect then commit together or not at all.
//
//	func(ctx context.Context, e server.WebhookEvent) error {
//		tx, err := db.BeginTx(ctx, nil)
//		if err != nil {
//			return err
//		}
//		defer tx.Rollback()
//		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_events (id) VALUES (?) ON CONFLICT DO NOTHING`, e.ID)
//		if err != nil {
//			return err
//		}
//		if n, _ := res.RowsAffected(); n == 0 {
//			return server.ErrDuplicateEvent
//		}
//		// ... the effect, in tx ...
//		return tx.Commit()
//	}
//
// The route takes unsafe requests from any origin: the sender is a
// server, and its signature is its proof. Mount it with [Server.Handle],
// or in any router.
func (s *Server) Webhook(v WebhookVerifier, handle func(ctx context.Context, e WebhookEvent) error) *Route {
	if v == nil || handle == nil {
		panic("server: Webhook needs a verifier and a handle")
	}
	return s.Route().Post(func(w http.ResponseWriter, r *http.Request) error {
		body, err := s.ReadBody(r) // capped by the route, charged to the body budget
		if err != nil {
			return err
		}
		e, err := v.Verify(r.Header, body, time.Now())
		if err != nil {
			return err
		}
		return acknowledge(w, e, handle(r.Context(), e))
	}).exemptCrossOrigin()
}

// webhookReceipt is the body of a webhook's 200.
type webhookReceipt struct {
	Received  bool   `json:"received"`
	ID        string `json:"id"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

// acknowledge answers a verified delivery that its handle returned err
// for: 200 when it was processed, now or before, a problem otherwise.
func acknowledge(w http.ResponseWriter, e WebhookEvent, err error) error {
	dup := errors.Is(err, ErrDuplicateEvent)
	if err != nil && !dup {
		return err
	}
	if info := infoOf(w); dup && info != nil {
		info.outcome = "duplicate"
	}
	return JSON(w, http.StatusOK, webhookReceipt{Received: true, ID: e.ID, Duplicate: dup})
}

// webhookRefused is the error of a delivery that failed verification.
func webhookRefused(message string, cause error) error {
	return &actions.Error{Kind: actions.KindMalformed, Message: message, Err: cause}
}

// signedBy reports whether any of sigs is the HMAC-SHA256, with any of
// keys, of the parts joined. Each comparison takes constant time.
func signedBy(keys, sigs [][]byte, parts ...[]byte) bool {
	for _, key := range keys {
		mac := hmac.New(sha256.New, key)
		for _, p := range parts {
			mac.Write(p)
		}
		want := mac.Sum(nil)
		for _, sig := range sigs {
			if hmac.Equal(sig, want) {
				return true
			}
		}
	}
	return false
}

// checkTimestamp refuses a delivery signed further than tolerance (or
// [WebhookTolerance], for 0 or less) from now, either way.
func checkTimestamp(signed, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = WebhookTolerance
	}
	if skew := now.Sub(signed); skew > tolerance || skew < -tolerance {
		return webhookRefused("The webhook timestamp is outside the "+toleranceWords(tolerance)+" tolerance.",
			fmt.Errorf("signed at %s, %s before now", signed.UTC().Format(time.RFC3339), skew))
	}
	return nil
}

// toleranceWords says a tolerance as an adjective: "5-minute".
func toleranceWords(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d-minute", d/time.Minute)
	}
	return fmt.Sprintf("%d-second", d/time.Second)
}

// eventHead reads the top-level "id" and "type" of a verified JSON body;
// either may be absent. A body that is not a JSON object, or whose id or
// type is not a string, is malformed.
func eventHead(body []byte) (id, typ string, err error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return "", "", webhookRefused("The webhook body is not a JSON object.", fmt.Errorf("webhook body is not a JSON object: %v", err))
	}
	if id, err = stringField(top, "id"); err != nil {
		return "", "", err
	}
	typ, err = stringField(top, "type")
	return id, typ, err
}

// stringField returns the string at key in top, or "" when there is none.
func stringField(top map[string]json.RawMessage, key string) (string, error) {
	var v string
	if raw, ok := top[key]; ok && json.Unmarshal(raw, &v) != nil {
		return "", webhookRefused("The webhook body's "+key+" is not a string.", fmt.Errorf("webhook body's %s is not a string", key))
	}
	return v, nil
}
