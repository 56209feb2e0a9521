package app

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/formwork-dev/formwork/server"
)

// summaryPace is the time between two tokens of a streamed summary, as a
// language model would send them.
const summaryPace = 40 * time.Millisecond

// summaryText is invoice inv's summary, generated from its data alone: the
// same data always gives the same words.
func summaryText(inv Invoice, comments []Comment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s bills %s (%s) $%s for the %s project, due %s. ", inv.Number(), inv.Customer, inv.Email,
		formatCents(inv.AmountCents), inv.Project, inv.Due)
	if inv.Status == "paid" {
		b.WriteString("It is paid: nothing is left to collect. ")
	} else {
		b.WriteString("It is open: the customer has not paid yet. ")
	}
	if inv.Notes != "" {
		fmt.Fprintf(&b, "Its notes say: %s ", inv.Notes)
	}
	switch n := len(comments); n {
	case 0:
		b.WriteString("Nobody has commented on it.")
	default:
		last := comments[n-1]
		fmt.Fprintf(&b, "It has %s; the latest, from %s, says: %q", count(n, "comment", "comments"), last.Author, last.Body)
	}
	return b.String()
}

// summaryTokens splits a summary into the tokens it streams in: words,
// each with the space after it.
func summaryTokens(text string) []string { return strings.SplitAfter(text, " ") }

// apiSummary is GET /api/invoices/{id}/summary: the invoice's summary as
// Server-Sent Events, a "token" event per word (its ID the token's index,
// so that a reconnecting client resumes after the last one it got) and a
// "done" event; or, for a caller that does not ask for an event stream
// (a link followed with JavaScript off, curl), the whole summary as text.
func (a *App) apiSummary(w http.ResponseWriter, r *http.Request) error {
	inv, err := a.invoiceAt(r)
	if err != nil {
		return err
	}
	comments, err := a.store.Comments(r.Context(), inv.ID)
	if err != nil {
		return err
	}
	text := summaryText(inv, comments)
	if server.Negotiate(w, r, "text/plain", "text/event-stream") == "text/plain" {
		return server.Cached(w, r, "text/plain; charset=utf-8", []byte(text+"\n"))
	}
	stream, err := server.Events(w, r)
	if err != nil {
		return err
	}
	tokens := summaryTokens(text)
	next := 0
	if last, err := strconv.Atoi(stream.LastEventID()); err == nil && last >= 0 {
		next = last + 1
	}
	pace := time.NewTicker(summaryPace)
	defer pace.Stop()
	for i := next; i < len(tokens); i++ {
		select {
		case <-r.Context().Done():
			return r.Context().Err()
		case <-pace.C:
		}
		if err := stream.Send(server.Event{ID: strconv.Itoa(i), Name: "token", Data: tokens[i]}); err != nil {
			return err
		}
	}
	return stream.Send(server.Event{Name: "done", Data: strconv.Itoa(len(tokens))})
}
