package server

import (
	"context"
	"errors"
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

// reserveBody reserves the call's share of the body budget before its
// body is read, and returns the share's release; or, when no share came
// within Config.BodyWait, or too many calls wait already, a 503 result:
// the body is left unread and the action never runs. The share is twice
// the body (its Content-Length when it sent one, or its action's body
// cap; the largest cap when the body names its action itself), for a body
// is held twice while it is parsed: as read, and as the text its values
// point into. It is never more than the whole budget.
func (s *Server) reserveBody(r *http.Request, id string) (release func(), res *actions.Result) {
	if s.budget == nil {
		return func() {}, nil
	}
	size := s.cfg.Actions.BodyLimit(id)
	if r.ContentLength >= 0 && r.ContentLength < size {
		size = r.ContentLength
	}
	share := min(2*max(size, 1), s.cfg.BodyBudget)
	if s.waiting.Add(1) > maxWaiting {
		s.waiting.Add(-1)
		return nil, busy(id, "too many calls wait for a share of the body budget")
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.BodyWait)
	defer cancel()
	err := s.budget.Acquire(ctx, share)
	s.waiting.Add(-1)
	if err != nil {
		return nil, busy(id, "no share of the body budget came in time")
	}
	return func() { s.budget.Release(share) }, nil
}

// maxWaiting bounds the calls that wait for a share of the body budget:
// each holds a connection and a goroutine, and a flood of slow bodies
// would hold memory that way instead.
const maxWaiting = 128

// busy is the 503 result of a call that got no share of the body budget.
func busy(id, why string) *actions.Result {
	res := actions.ErrorResult(&actions.Error{Kind: actions.KindUnavailable, RetryAfter: time.Second, Err: errors.New(why)})
	res.ID = id
	return res
}
