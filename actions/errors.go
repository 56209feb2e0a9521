package actions

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Kind classifies an error. Packages that speak HTTP map each kind to one
// status in one place; callers match errors by kind, never by text.
type Kind uint8

// The kinds of error an action call can end with.
const (
	KindInternal         Kind = iota // a bug or an outage: logged in full, shown as a digest
	KindInvalid                      // the input broke a rule; field errors say which
	KindUnauthenticated              // no principal, and the action needs one
	KindForbidden                    // the principal may not do this
	KindNotFound                     // what the input names does not exist
	KindConflict                     // the input clashes with the current state
	KindMalformed                    // the request cannot be read: bad ID, tampered seal, bad syntax
	KindUnknownAction                // a well-formed ID that no action here carries (an older deploy)
	KindTooLarge                     // the body is over the action's limit
	KindUnsupportedMedia             // the body's content type is not one actions read
	KindClientGone                   // the client went away, or its body stopped short: not our failure
	KindTooManyRequests              // over a rate limit: try again after Error.RetryAfter
	KindUnavailable                  // the server cannot take the call now: try again after Error.RetryAfter
)

var kindNames = [...]string{
	KindInternal:         "internal",
	KindInvalid:          "invalid",
	KindUnauthenticated:  "unauthenticated",
	KindForbidden:        "forbidden",
	KindNotFound:         "not_found",
	KindConflict:         "conflict",
	KindMalformed:        "malformed",
	KindUnknownAction:    "unknown_action",
	KindTooLarge:         "too_large",
	KindUnsupportedMedia: "unsupported_media_type",
	KindClientGone:       "client_gone",
	KindTooManyRequests:  "too_many_requests",
	KindUnavailable:      "unavailable",
}

// String returns the kind's stable, snake_case name, as used in logs and
// JSON bodies.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is the one error type of formwork. Message is safe to show to the
// user; Err, the cause, is logged and never shown in production.
type Error struct {
	Kind    Kind
	Message string            // user-safe; empty means the kind's generic words
	Fields  map[string]string // field errors, keyed by form field name
	Err     error             // the cause, for logs

	RetryAfter time.Duration // for KindTooManyRequests and KindUnavailable: the wait before trying again; 0 if not known
	Refill     url.Values    // values the form shows in place of those sent, by field (see Merged)
}

// Error returns the message (or the kind), the number of field errors and
// the cause, for logs.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.String()
	}
	if len(e.Fields) > 0 {
		msg = fmt.Sprintf("%s (%d field errors)", msg, len(e.Fields))
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same kind, so that
// errors.Is(err, actions.ErrForbidden) matches any forbidden error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Message == "" && t.Fields == nil && t.Err == nil
}

// Sentinel errors, one per kind, for policies and mutations to return and
// for callers to match with errors.Is.
var (
	ErrUnauthenticated = &Error{Kind: KindUnauthenticated}
	ErrForbidden       = &Error{Kind: KindForbidden}
	ErrNotFound        = &Error{Kind: KindNotFound}
)

// Errorf returns an *Error of the given kind whose message, shown to the
// user, is formatted from format and args.
func Errorf(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an error that sends the form back with the given field
// errors, as if validation had found them. Keys are form field names.
//
//	if taken {
//		return out, actions.Invalid(map[string]string{"email": "This email is already taken."})
//	}
func Invalid(fields map[string]string) error {
	return &Error{Kind: KindInvalid, Fields: fields}
}

// Stale returns the conflict of an edit whose record changed since its
// form was rendered, as Rails' lock_version finds it: 409, the user's
// values kept, message said at the top of the form, and under each field
// in now what it holds now, keyed by form field name.
//
// The form binds the version it showed ([Bound]), the mutation updates
// only that version (UPDATE … SET version = version + 1 WHERE id = ? AND
// version = ?) and returns Stale when no row matched. The page rendered
// with the conflict binds the version saved now, so the user can review,
// and send again on purpose.
func Stale(message string, now map[string]string) error {
	return &Error{Kind: KindConflict, Message: message, Fields: now}
}

// Merged returns the conflict of an edit whose record changed since its
// form was rendered, merged three ways, field by field, from what the
// form showed (was: bind it, sealed, as the version), what the user sent,
// and what is saved now, each keyed by form field name:
//
//   - a field the user left as it was shows what is saved now, so that
//     saving again keeps the other change;
//   - a field only the user changed keeps the user's value;
//   - a field both changed keeps the user's value, with what is saved now
//     under it, in the words of note.
//
// The answer is 409 either way: the user reviews the merge, and saves it
// on purpose.
func Merged(message string, was, sent, now map[string]string, note func(saved string) string) error {
	e := &Error{Kind: KindConflict, Message: message, Fields: map[string]string{}, Refill: url.Values{}}
	for k, saved := range now {
		switch theirs, mine := saved != was[k], sent[k] != was[k]; {
		case theirs && !mine:
			e.Refill.Set(k, saved)
		case theirs && mine && sent[k] != saved:
			e.Fields[k] = note(saved)
		}
	}
	return e
}

// TooManyRequests returns an error of kind [KindTooManyRequests]: the
// caller is over a rate limit and may try again after retryAfter. The
// message says when, in words rounded up ("Try again in 2 minutes."); a
// retryAfter of 0 or less means the wait is not known, and the message
// says "Try again later."
func TooManyRequests(retryAfter time.Duration) error {
	if retryAfter <= 0 {
		return &Error{Kind: KindTooManyRequests}
	}
	return &Error{Kind: KindTooManyRequests, RetryAfter: retryAfter,
		Message: "Too many attempts. Try again in " + inWords(retryAfter) + "."}
}

// inWords says a wait in whole seconds, minutes or hours, rounded up.
func inWords(d time.Duration) string {
	unit, size := "second", time.Second
	switch {
	case d > 90*time.Minute:
		unit, size = "hour", time.Hour
	case d > 90*time.Second:
		unit, size = "minute", time.Minute
	}
	n := int64((d + size - 1) / size)
	if n <= 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// KindOf returns the kind of err: the kind of the first *Error in its chain,
// or KindInternal.
func KindOf(err error) Kind {
	if e := asError(err); e != nil {
		return e.Kind
	}
	return KindInternal
}

// asError returns the first *Error in err's chain, or nil: errors.As
// without the allocation that errors.As costs its target, for the paths
// every failed call takes.
func asError(err error) *Error {
	for err != nil {
		switch x := err.(type) {
		case *Error:
			return x
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		case interface{ Unwrap() []error }:
			for _, err := range x.Unwrap() {
				if e := asError(err); e != nil {
					return e
				}
			}
			return nil
		default:
			return nil
		}
	}
	return nil
}

// Message returns the words shown to a user for an error of kind k that
// carries none of its own. An internal error always shows these.
func (k Kind) Message() string {
	switch k {
	case KindInvalid:
		return "Please correct the errors below."
	case KindUnauthenticated:
		return "Please sign in to continue."
	case KindForbidden:
		return "You do not have permission to do that."
	case KindNotFound:
		return "That no longer exists."
	case KindConflict:
		return "That conflicts with a change made elsewhere; reload and try again."
	case KindMalformed:
		return "The request could not be read."
	case KindUnknownAction:
		return "This form is out of date; reload and try again."
	case KindTooLarge:
		return "The submission is too large."
	case KindUnsupportedMedia:
		return "The submission's format is not supported."
	case KindClientGone:
		return "The request ended before it was complete; please try again."
	case KindTooManyRequests:
		return "Too many attempts. Try again later."
	case KindUnavailable:
		return "The server is busy. Try again in a moment."
	}
	return "Something went wrong on our side."
}

// ClientGone returns err as an error of kind [KindClientGone] when ctx was
// canceled (net/http cancels a request's context when its client goes
// away) and err is an internal error that is not a panic: the work failed
// because nobody waits for it, which is not our failure. Any other err,
// and a deadline that passed, comes back as it is.
func ClientGone(ctx context.Context, err error) error {
	if err == nil || !errors.Is(ctx.Err(), context.Canceled) || KindOf(err) != KindInternal || isPanic(err) {
		return err
	}
	return &Error{Kind: KindClientGone, Err: err}
}

func isPanic(err error) bool {
	var pe *PanicError
	return errors.As(err, &pe)
}
