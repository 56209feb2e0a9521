package server

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// StripeVerifier verifies Stripe's webhook deliveries; [NewStripeVerifier]
// makes one. Its Verify reads the Stripe-Signature header,
// "t=<unix time>,v1=<hex>,v1=<hex>,...": any v1 value that is the
// HMAC-SHA256, with any of the secrets, of the timestamp, a dot and the
// raw body passes, when the timestamp is within Tolerance of now. Other
// schemes, such as v0, are ignored. The event's ID and Type are the body's
// top-level "id" and "type"; a body without an id is refused.
type StripeVerifier struct {
	// Tolerance is how far the signed timestamp may be from now, either
	// way. 0 means [WebhookTolerance]. Set it before the verifier is used.
	Tolerance time.Duration

	secrets [][]byte
}

// NewStripeVerifier returns the verifier of Stripe's webhooks signed with
// any of secrets, each an endpoint's signing secret ("whsec_…", not an API
// key). Several secrets let deliveries signed with either pass while a
// secret is rolled; Stripe itself signs with both, for a while, with one
// v1 value for each. It returns an error for no secret, or for one that is
// not a signing secret.
func NewStripeVerifier(secrets ...string) (*StripeVerifier, error) {
	if len(secrets) == 0 {
		return nil, errors.New("server: NewStripeVerifier needs a signing secret")
	}
	v := &StripeVerifier{}
	for i, s := range secrets {
		switch {
		case !strings.HasPrefix(s, "whsec_") || len(s) == len("whsec_"):
			return nil, fmt.Errorf("server: NewStripeVerifier: secret %d is not a webhook signing secret (whsec_…)", i)
		case strings.TrimSpace(s) != s:
			return nil, fmt.Errorf("server: NewStripeVerifier: secret %d has spaces around it", i)
		}
		v.secrets = append(v.secrets, []byte(s))
	}
	return v, nil
}

// Verify checks a delivery's Stripe-Signature header against body at now,
// and returns its event; see [StripeVerifier].
func (v *StripeVerifier) Verify(h http.Header, body []byte, now time.Time) (WebhookEvent, error) {
	header := h.Get("Stripe-Signature")
	if header == "" {
		return WebhookEvent{}, webhookRefused("The webhook has no Stripe-Signature header.", errors.New("no Stripe-Signature header"))
	}
	sh, err := parseStripeSignature(header)
	if err != nil {
		return WebhookEvent{}, webhookRefused("The webhook's Stripe-Signature header could not be read.", err)
	}
	if !signedBy(v.secrets, sh.sigs, []byte(sh.t), []byte("."), body) {
		return WebhookEvent{}, webhookRefused("The webhook signature does not match.",
			fmt.Errorf("none of %d v1 signatures is by any of %d secrets", len(sh.sigs), len(v.secrets)))
	}
	if err := checkTimestamp(sh.at, now, v.Tolerance); err != nil {
		return WebhookEvent{}, err
	}
	e := WebhookEvent{Time: sh.at, Body: body}
	if e.ID, e.Type, err = eventHead(body); err != nil {
		return WebhookEvent{}, err
	}
	if e.ID == "" {
		return WebhookEvent{}, webhookRefused("The webhook body has no id.", errors.New("webhook body has no id"))
	}
	return e, nil
}

// stripeHeader is a Stripe-Signature header, read.
type stripeHeader struct {
	t    string    // the timestamp as sent, for the signed content
	at   time.Time // the timestamp
	sigs [][]byte  // the v1 signatures
}

// parseStripeSignature reads a Stripe-Signature header. Keys other than t
// and v1 are ignored.
func parseStripeSignature(header string) (stripeHeader, error) {
	var sh stripeHeader
	for item := range strings.SplitSeq(header, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		switch {
		case !ok:
			return sh, errors.New("an item of Stripe-Signature is not key=value")
		case key == "t" && sh.t != "":
			return sh, errors.New("Stripe-Signature has two timestamps")
		case key == "t":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return sh, errors.New("the timestamp of Stripe-Signature is not a number")
			}
			sh.t, sh.at = val, time.Unix(n, 0)
		case key == "v1":
			sig, err := hex.DecodeString(val)
			if err != nil {
				return sh, errors.New("a v1 signature of Stripe-Signature is not hex")
			}
			sh.sigs = append(sh.sigs, sig)
		}
	}
	switch {
	case sh.t == "":
		return sh, errors.New("Stripe-Signature has no timestamp")
	case len(sh.sigs) == 0:
		return sh, errors.New("Stripe-Signature has no v1 signature")
	}
	return sh, nil
}
