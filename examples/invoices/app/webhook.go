package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// DevStripeSecret is the Stripe webhook signing secret of a demo started
// without one: fine on a laptop with the Stripe CLI, never in production.
const DevStripeSecret = "whsec_formwork_demo_only_do_not_use_in_production"

// stripeService is the principal of a verified Stripe delivery: it may
// mark invoices paid, and nothing else.
type stripeService struct{}

func (stripeService) Subject() string          { return "service:stripe" }
func (stripeService) HasRole(role string) bool { return role == rolePayments }

const rolePayments = "payments"

// stripeWebhook is POST /api/webhooks/stripe: payment_intent.succeeded
// with metadata.invoice_id marks the invoice paid, once however often it
// is delivered. Other events are acknowledged and ignored.
func (a *App) stripeWebhook() (*server.Route, error) {
	secret := a.cfg.StripeSecret
	if secret == "" {
		secret = DevStripeSecret
	}
	v, err := server.NewStripeVerifier(secret)
	if err != nil {
		return nil, fmt.Errorf("app: Config.StripeSecret: %w", err)
	}
	return a.srv.Webhook(v, a.onStripeEvent), nil
}

// stripeEvent is the part of a Stripe event the demo reads.
type stripeEvent struct {
	Data struct {
		Object struct {
			ID       string            `json:"id"`
			Metadata map[string]string `json:"metadata"`
		} `json:"object"`
	} `json:"data"`
}

func (a *App) onStripeEvent(ctx context.Context, e server.WebhookEvent) error {
	if e.Type != "payment_intent.succeeded" {
		return nil
	}
	var ev stripeEvent
	if err := json.Unmarshal(e.Body, &ev); err != nil {
		return actions.Errorf(actions.KindMalformed, "The event's data does not decode.")
	}
	id, err := strconv.ParseInt(ev.Data.Object.Metadata["invoice_id"], 10, 64)
	if err != nil {
		return actions.Errorf(actions.KindMalformed, "The payment has no metadata.invoice_id.")
	}
	effect, err := a.act.markPaid.Call(actions.WithPrincipal(ctx, stripeService{}),
		MarkPaid{InvoiceID: id, EventID: e.ID, EventType: e.Type})
	if err != nil {
		return err
	}
	if effect == SeenBefore {
		return server.ErrDuplicateEvent
	}
	return nil
}

// MarkPaid marks an invoice paid for a payment event.
type MarkPaid struct {
	InvoiceID int64  `json:"invoice_id" validate:"required"`
	EventID   string `json:"event_id" validate:"required,max=255"`
	EventType string `json:"event_type" validate:"required,max=255"`
}

func (a *App) doMarkPaid(ctx context.Context, in MarkPaid) (Payment, error) {
	effect, err := a.store.MarkPaid(ctx, in.EventID, in.EventType, in.InvoiceID)
	if err != nil || effect != Paid {
		return effect, err
	}
	actions.RevalidateTag(ctx, "invoices")
	actions.RevalidatePath(ctx, fmt.Sprintf("/invoices/%d", in.InvoiceID))
	return effect, nil
}
