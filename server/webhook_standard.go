package server

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// StandardWebhooksVerifier verifies deliveries signed as Standard Webhooks
// (standardwebhooks.com) specifies; [NewStandardWebhooksVerifier] makes one. Its
// Verify reads three headers: webhook-id, webhook-timestamp (unix
// seconds) and webhook-signature, a space-separated list of
// "v1,<base64>". Any v1 signature that is the HMAC-SHA256, with any of the
// secrets, of the ID, a dot, the timestamp, a dot and the raw body passes,
// when the timestamp is within Tolerance of now. Other versions, such as
// v1a, are ignored. The event's ID is webhook-id, and its Type the body's
// top-level "type".
type StandardWebhooksVerifier struct {
	// Tolerance is how far the signed timestamp may be from now, either
	// way. 0 means [WebhookTolerance]. Set it before the verifier is used.
	Tolerance time.Duration

	keys [][]byte
}

// The headers of Standard Webhooks.
const (
	headerWebhookID        = "webhook-id"
	headerWebhookTimestamp = "webhook-timestamp"
	headerWebhookSignature = "webhook-signature"
)

// NewStandardWebhooksVerifier returns the verifier of Standard Webhooks signed with
// any of secrets, each "whsec_" and the key in base64 (or the base64
// alone). Several secrets let deliveries signed with either pass while a
// secret is rotated. It returns an error for no secret, or for one that is
// not base64.
func NewStandardWebhooksVerifier(secrets ...string) (*StandardWebhooksVerifier, error) {
	if len(secrets) == 0 {
		return nil, errors.New("server: NewStandardWebhooksVerifier needs a secret")
	}
	v := &StandardWebhooksVerifier{}
	for i, s := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		switch {
		case err != nil:
			return nil, fmt.Errorf("server: NewStandardWebhooksVerifier: secret %d is not whsec_ and base64: %w", i, err)
		case len(key) == 0:
			return nil, fmt.Errorf("server: NewStandardWebhooksVerifier: secret %d is empty", i)
		}
		v.keys = append(v.keys, key)
	}
	return v, nil
}

// Verify checks a delivery's webhook-* headers against body at now, and
// returns its event; see [StandardWebhooksVerifier].
func (v *StandardWebhooksVerifier) Verify(h http.Header, body []byte, now time.Time) (WebhookEvent, error) {
	id, ts, sigHeader := h.Get(headerWebhookID), h.Get(headerWebhookTimestamp), h.Get(headerWebhookSignature)
	if id == "" || ts == "" || sigHeader == "" {
		return WebhookEvent{}, webhookRefused("The webhook needs webhook-id, webhook-timestamp and webhook-signature headers.",
			fmt.Errorf("webhook headers: id %t, timestamp %t, signature %t", id != "", ts != "", sigHeader != ""))
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return WebhookEvent{}, webhookRefused("The webhook's webhook-timestamp header could not be read.", errors.New("webhook-timestamp is not a number"))
	}
	sigs, err := parseStandardSignatures(sigHeader)
	if err != nil {
		return WebhookEvent{}, webhookRefused("The webhook's webhook-signature header could not be read.", err)
	}
	if !signedBy(v.keys, sigs, []byte(id), []byte("."), []byte(ts), []byte("."), body) {
		return WebhookEvent{}, webhookRefused("The webhook signature does not match.",
			fmt.Errorf("none of %d v1 signatures is by any of %d secrets", len(sigs), len(v.keys)))
	}
	e := WebhookEvent{ID: id, Time: time.Unix(n, 0), Body: body}
	if err := checkTimestamp(e.Time, now, v.Tolerance); err != nil {
		return WebhookEvent{}, err
	}
	if _, e.Type, err = eventHead(body); err != nil {
		return WebhookEvent{}, err
	}
	return e, nil
}

// parseStandardSignatures reads the v1 signatures of a webhook-signature
// header; signatures of other versions are ignored.
func parseStandardSignatures(header string) ([][]byte, error) {
	var sigs [][]byte
	for item := range strings.FieldsSeq(header) {
		version, sig, ok := strings.Cut(item, ",")
		switch {
		case !ok:
			return nil, errors.New("an item of webhook-signature is not version,signature")
		case version != "v1":
			continue
		}
		b, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			return nil, errors.New("a v1 signature of webhook-signature is not base64")
		}
		sigs = append(sigs, b)
	}
	if len(sigs) == 0 {
		return nil, errors.New("webhook-signature has no v1 signature")
	}
	return sigs, nil
}
