package actions

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Status says how an action call ended.
type Status string

// The three ways a call ends.
const (
	StatusOK      Status = "ok"      // the mutation ran and succeeded
	StatusInvalid Status = "invalid" // the input was refused; Fields and Error say why
	StatusFailed  Status = "failed"  // anything else; Kind says what
)

// Result is what an action call over HTTP produced. Server code turns it
// into a response whose shape depends on the caller, and views render a
// form from it.
type Result struct {
	Action string // the action's name; empty when the ID named no action
	ID     string // the action ID as submitted
	Form   string // the DOM id of the submitting form, when it sent one

	Status Status
	Kind   Kind // for StatusInvalid and StatusFailed
	Out    any  // the mutation's output, for StatusOK

	Fields   map[string]string // field errors keyed by form field name
	Error    string            // a form-level error, safe to show
	Message  string            // a message for the user after success
	Redirect string            // where to send the caller after success
	// FullReload asks htmx callers for a full page load (HX-Redirect).
	FullReload bool
	// Values are the submitted values, to refill the form. Sensitive fields
	// and formwork's own fields are never among them.
	Values url.Values
	// Digest identifies an internal error in the logs, for the user to
	// quote. It is set for KindInternal only.
	Digest string
	// RetryAfter is how long to wait before trying again, for
	// KindTooManyRequests.
	RetryAfter time.Duration
	// Err is the full error, for logs; never shown in production.
	Err error
	// Cookies set by the mutation, for whatever response leaves.
	Cookies []*http.Cookie
}

// ErrorResult returns the result of a call, or of any request, that failed
// with err. It is the one conversion from errors to results: the kind comes
// from the first *[Error] in err's chain (internal when there is none), the
// words shown are its Message or the kind's generic words, and an internal
// error gets a fresh Digest while its detail stays in Err, for the log.
func ErrorResult(err error) *Result {
	res := &Result{}
	res.fail(err)
	return res
}

// fail records err on res; see [ErrorResult].
func (res *Result) fail(err error) {
	e := asError(err)
	if e == nil {
		e = &Error{Kind: KindInternal, Err: err}
	}
	res.Kind, res.Err, res.Error, res.Status = e.Kind, err, e.Message, StatusFailed
	res.RetryAfter = e.RetryAfter
	switch e.Kind {
	case KindInvalid:
		res.Status, res.Fields = StatusInvalid, e.Fields
	case KindConflict:
		res.Fields = e.Fields // what changed, by field (see Stale)
	case KindInternal:
		res.Error, res.Digest = "", newDigest() // a cause's words are never shown
	}
	if res.Error == "" {
		res.Error = e.Kind.Message()
	}
}

// newDigest returns a random reference for an internal error, which the
// user sees and the log line carries.
func newDigest() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RetryAfterSeconds is RetryAfter in whole seconds, rounded up, as the
// Retry-After header says it: 0 when there is none, and at most a day.
func (res *Result) RetryAfterSeconds() int64 {
	if res == nil || res.RetryAfter <= 0 {
		return 0
	}
	return int64((min(res.RetryAfter, 24*time.Hour) + time.Second - 1) / time.Second)
}

// OK reports whether the call succeeded.
func (res *Result) OK() bool { return res != nil && res.Status == StatusOK }

// For reports whether r is the result of the action with the given ID, so
// that a page with several forms shows each its own result.
func (res *Result) For(id string) bool { return res != nil && res.ID == id && res.Action != "" }

// MarshalJSON writes the result as JSON clients see it: ok, status, and
// whichever of out, kind, fields, error, message, redirect and digest apply.
func (res *Result) MarshalJSON() ([]byte, error) {
	type wire struct {
		OK       bool              `json:"ok"`
		Status   Status            `json:"status"`
		Kind     string            `json:"kind,omitempty"`
		Out      any               `json:"out,omitempty"`
		Fields   map[string]string `json:"fields,omitempty"`
		Error    string            `json:"error,omitempty"`
		Message  string            `json:"message,omitempty"`
		Redirect string            `json:"redirect,omitempty"`
		Digest   string            `json:"digest,omitempty"`
		// RetryAfter is in whole seconds, as in the Retry-After header.
		RetryAfter int64 `json:"retry_after,omitempty"`
	}
	w := wire{OK: res.OK(), Status: res.Status, Fields: res.Fields, Error: res.Error,
		Message: res.Message, Redirect: res.Redirect, Digest: res.Digest, RetryAfter: res.RetryAfterSeconds()}
	if res.Status == StatusOK {
		w.Out = res.Out
	} else {
		w.Kind = res.Kind.String()
	}
	return json.Marshal(w)
}
