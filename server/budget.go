package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/formwork-dev/formwork/actions"
)

// The body budget's defaults; see Config.BodyBudget and Config.BodyWait.
const (
	defaultBodyBudget = 64 << 20
	defaultBodyWait   = time.Second
)

// setBudget makes the semaphore of Config.BodyBudget.
func (s *Server) setBudget() error {
	switch {
	case s.cfg.BodyBudget < 0:
		return nil
	case s.cfg.BodyBudget == 0:
		s.cfg.BodyBudget = defaultBodyBudget
	}
	if s.cfg.BodyWait < 0 {
		return errors.New("server: Config.BodyWait is negative")
	}
	if s.cfg.BodyWait == 0 {
		s.cfg.BodyWait = defaultBodyWait
	}
	s.budget = semaphore.NewWeighted(s.cfg.BodyBudget)
	return nil
}

// budgetBody charges the body budget for a call's body as it is read:
// twice the bytes read, for a body is held twice while it is parsed (as
// read, and as the text its values point into). A read that cannot get its
// charge within Config.BodyWait fails with a 503 error, and the action
// never runs. A slow body holds only what it has sent so far.
type budgetBody struct {
	io.ReadCloser
	s    *Server
	ctx  context.Context
	held int64
}

// readChunk bounds one read, and so one charge.
const readChunk = 32 << 10

// errBusy is the answer to a call whose body got no share of the budget.
var errBusy = &actions.Error{Kind: actions.KindUnavailable, RetryAfter: time.Second,
	Err: errors.New("no share of the body budget came in time")}

// Read charges the budget for what it reads. One call is never charged
// more than the whole budget, so that a body larger than half of it still
// goes through, alone.
func (b *budgetBody) Read(p []byte) (int, error) {
	p = p[:min(len(p), readChunk)]
	want := min(2*int64(len(p)), b.s.cfg.BodyBudget-b.held)
	if want <= 0 {
		return b.ReadCloser.Read(p)
	}
	if !b.s.budget.TryAcquire(want) {
		ctx, cancel := context.WithTimeout(b.ctx, b.s.cfg.BodyWait)
		err := b.s.budget.Acquire(ctx, want)
		cancel()
		if err != nil {
			return 0, errBusy
		}
	}
	n, err := b.ReadCloser.Read(p)
	used := min(2*int64(n), want)
	b.s.budget.Release(want - used)
	b.held += used
	return n, err
}

// callCharge is what every call with a body is charged before a byte is
// read: about what its connection, its goroutine and its parsing cost
// whatever the body's size. It bounds how many bodies are read at once, as
// the budget bounds what they hold.
const callCharge = 64 << 10

// maxWaiting bounds the calls that wait for their charge: each holds a
// connection and a goroutine while it waits.
const maxWaiting = 128

// chargeBody charges the budget for a call with a body: callCharge at once,
// then its body as it is read, twice the bytes. It returns the release of
// all of it, for when the call is done; or, when the first charge did not
// come within Config.BodyWait, or too many calls wait already, an error
// of kind KindUnavailable (503): the body is left unread and the action or
// handler never runs.
func (s *Server) chargeBody(r *http.Request) (release func(), err error) {
	if s.budget == nil || r.Body == nil || r.Body == http.NoBody {
		return noRelease, nil
	}
	first := min(int64(callCharge), s.cfg.BodyBudget)
	if !s.budget.TryAcquire(first) {
		if s.waiting.Add(1) > maxWaiting {
			s.waiting.Add(-1)
			return nil, errBusy
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.BodyWait)
		err := s.budget.Acquire(ctx, first)
		cancel()
		s.waiting.Add(-1)
		if err != nil {
			return nil, errBusy
		}
	}
	b := &budgetBody{ReadCloser: r.Body, s: s, ctx: r.Context(), held: first}
	r.Body = b
	return func() { s.budget.Release(b.held); b.held = 0 }, nil
}

// noRelease releases nothing: the charge of a request with no body.
func noRelease() {}
