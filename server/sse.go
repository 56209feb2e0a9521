package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// An Event is one server-sent event, encoded as the WHATWG HTML standard
// says (9.2 Server-sent events).
type Event struct {
	// ID, when not empty, becomes the client's last event ID, which an
	// EventSource sends back as Last-Event-ID when it reconnects (see
	// [EventStream.LastEventID]). It may not contain CR, LF or NUL.
	ID string
	// Name is the event's type, which the client listens for with
	// addEventListener; empty is "message". It may not contain CR or LF.
	Name string
	// Data is what the client's event carries. Each of its lines is sent
	// as a data line of its own, so no line break can start another field;
	// CRLF and CR reach the client as LF. Empty Data is sent too (a data
	// line with nothing on it), so that the event fires.
	Data string
	// Retry, when positive, sets how long the client waits before it
	// reconnects, rounded up to a whole millisecond.
	Retry time.Duration
}

// check refuses an ID or a Name that would end its line and so start a
// field of the sender's choosing. Refused, rather than cleaned: an ID
// silently changed names another event when the client reconnects.
func (e Event) check() error {
	if strings.ContainsAny(e.ID, "\r\n\x00") {
		return fmt.Errorf("server: event ID %.40q contains CR, LF or NUL", e.ID)
	}
	if strings.ContainsAny(e.Name, "\r\n") {
		return fmt.Errorf("server: event name %.40q contains CR or LF", e.Name)
	}
	return nil
}

// appendTo appends e, checked, to b: its fields, then the blank line that
// dispatches it.
func (e Event) appendTo(b []byte) []byte {
	if e.ID != "" {
		b = appendField(b, "id", e.ID)
	}
	if e.Name != "" {
		b = appendField(b, "event", e.Name)
	}
	if e.Retry > 0 {
		ms := (e.Retry + time.Millisecond - 1) / time.Millisecond
		b = appendField(b, "retry", strconv.FormatInt(int64(ms), 10))
	}
	data := e.Data
	for {
		i := strings.IndexAny(data, "\r\n")
		if i < 0 {
			break
		}
		b = appendField(b, "data", data[:i])
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
	return append(appendField(b, "data", data), '\n')
}

// appendField appends one "name: value" line to b. The space is always
// written, because a client drops one space after the colon: a value that
// starts with a space keeps it.
func appendField(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	b = append(b, value...)
	return append(b, '\n')
}

// heartbeatComment is what [EventStream.Relay] sends when idle: a comment
// line, which clients ignore, and a blank line for parsers that split the
// stream on blank lines.
const heartbeatComment = ": ping\n\n"

// An EventStream is a response of server-sent events (text/event-stream),
// started by [Events]. Like the [http.ResponseWriter] it writes to, it is
// not safe for concurrent use.
type EventStream struct {
	out       Stream
	ctx       context.Context
	last      string
	heartbeat time.Duration
	head      bool // a HEAD request: the headers alone
}

// Events answers r with an event stream: it sends status 200 with
// Content-Type text/event-stream, Cache-Control no-store and
// X-Accel-Buffering no (nginx passes each event on at once), flushed, so
// that the client sees the stream open. Send events with
// [EventStream.Send], or relay them from a channel with
// [EventStream.Relay], which also sends heartbeats while the stream is
// idle. See [StreamOptions] for the heartbeat and write timeout.
//
// Events is called from a [HandlerFunc], rather than taking a callback,
// so that the handler is an ordinary one: it can refuse first (a feed that
// does not exist, a user who may not read it) by returning an error, which
// its [Route] answers as a [Problem]; once Events has been called, an
// error is only logged, and a client that left is logged as client_gone,
// not as a failure. A stream costs no goroutine beyond the one net/http
// serves the request on: heartbeats come from a timer that Relay waits on
// beside the channel and the request's context.
//
// A HEAD request gets the headers alone: Send writes nothing and Relay
// returns at once. Events fails when w cannot flush, or the headers
// cannot be sent.
func Events(w http.ResponseWriter, r *http.Request, opts ...func(*StreamOptions)) (*EventStream, error) {
	o := streamOptions(opts)
	s := &EventStream{out: newStream(w, o), ctx: r.Context(), last: r.Header.Get("Last-Event-ID"),
		heartbeat: o.Heartbeat, head: r.Method == http.MethodHead}
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "text/event-stream")
	h["Cache-Control"] = headerNoStore
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := s.out.Write(nil); err != nil {
		return nil, fmt.Errorf("server: start the event stream: %w", err)
	}
	return s, nil
}

// LastEventID returns the request's Last-Event-ID header: the ID of the
// last event that a reconnecting client received, from which the handler
// can send what it missed. It is empty on a first connection.
func (s *EventStream) LastEventID() string { return s.last }

// Send writes e and flushes it to the client. It refuses, writing
// nothing, an event whose ID or Name could start another field (see
// [Event]), and fails once the client is gone: the handler then returns
// the error.
func (s *EventStream) Send(e Event) error {
	if err := e.check(); err != nil {
		return err
	}
	if s.head {
		return nil
	}
	if err := s.ctx.Err(); err != nil {
		return fmt.Errorf("server: send an event: the client is gone: %w", err)
	}
	_, err := s.out.Write(e.appendTo(make([]byte, 0, len(e.ID)+len(e.Name)+len(e.Data)+64)))
	return err
}

// Relay sends the events it receives from events, one by one, until
// events is closed (it then returns nil) or the client is gone (it then
// returns an error). While no event comes, it sends a heartbeat comment
// every [StreamOptions.Heartbeat]. Events may come from any goroutine,
// such as a hub that fans out to its subscribers; that goroutine must
// stop on the request's context too, for Relay stops reading when the
// client goes away (and at once on HEAD). An event that Send refuses ends
// the relay with its error: a bad event is a bug. A handler that sends
// from a loop of its own with Send gets no heartbeats.
func (s *EventStream) Relay(events <-chan Event) error {
	if s.head {
		return nil
	}
	t := time.NewTimer(s.heartbeat)
	defer t.Stop()
	for {
		var err error
		select {
		case <-s.ctx.Done():
			return fmt.Errorf("server: relay events: the client is gone: %w", s.ctx.Err())
		case e, ok := <-events:
			if !ok {
				return nil
			}
			err = s.Send(e)
		case <-t.C:
			_, err = s.out.Write([]byte(heartbeatComment))
		}
		if err != nil {
			return err
		}
		t.Reset(s.heartbeat)
	}
}
