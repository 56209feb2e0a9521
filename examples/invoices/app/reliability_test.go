package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

// postPage posts form to path and returns the status, the Location and the
// page.
func (d *demo) postPage(t testing.TB, path, cookie string, form url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", d.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	resp, err := d.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// editBound is the sealed bound arguments of the edit form on the page
// cookie sees at path: what the form showed.
func (d *demo) editBound(t *testing.T, path, cookie string) string {
	t.Helper()
	_, page := d.get(t, path, cookie)
	i := strings.Index(page, `name="invoice.customer"`)
	form := page[strings.LastIndex(page[:i], "<form"):]
	return regexp.MustCompile(`name="_bound" value="([^"]*)"`).FindStringSubmatch(form)[1]
}

// The lost update: the admin and the member open invoice 2; the admin
// renames the customer and saves; the member then saves the form they
// opened, with a new note. The member gets 409 and a merge: the rename in
// the customer field they left alone, their note kept. Saving the merge
// keeps both. Where both changed a field, the member's value stays, with
// what is saved now under it.
func TestLostUpdateIsAConflict(t *testing.T) {
	d := newDemo(t, false)
	admin, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	member, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	adminBound, memberBound := d.editBound(t, "/invoices/2", admin), d.editBound(t, "/invoices/2", member)
	var due string
	d.db.Read.QueryRow(`SELECT due_date FROM invoices WHERE id = 2`).Scan(&due)
	edit := func(bound, customer, notes string) url.Values {
		form := d.form(t, "invoice.edit", nil)
		form.Set("_bound", bound)
		for k, v := range map[string]string{"invoice.project_id": "1", "invoice.customer": customer,
			"invoice.email": "ap@globex.example", "invoice.amount": "1,250.50", "invoice.due": due, "invoice.notes": notes} {
			form.Set(k, v)
		}
		return form
	}
	if status, _, _ := d.postPage(t, "/invoices/2", admin, edit(adminBound, "Globex Corporation", "")); status != 303 {
		t.Fatalf("the admin's save: %d", status)
	}
	status, _, page := d.postPage(t, "/invoices/2", member, edit(memberBound, "Globex", "Net 30"))
	if status != 409 || !strings.Contains(page, "This invoice was changed by someone else since you opened it.") ||
		!strings.Contains(page, `value="Globex Corporation"`) || strings.Contains(page, "Saved now") || !strings.Contains(page, ">Net 30</textarea>") {
		t.Fatalf("the member's stale save: %d\n%s", status, page)
	}
	var customer, notes string
	d.db.Read.QueryRow(`SELECT customer, notes FROM invoices WHERE id = 2`).Scan(&customer, &notes)
	if customer != "Globex Corporation" || notes != "" {
		t.Fatalf("after the conflict: %q, %q", customer, notes)
	}
	// The 409 page binds the version saved now: saving the merge keeps both.
	merged := d.editBound(t, "/invoices/2", member)
	if status, _, page := d.postPage(t, "/invoices/2", member, edit(merged, "Globex Corporation", "Net 30")); status != 303 {
		t.Fatalf("saving the merge: %d\n%s", status, page)
	}
	d.db.Read.QueryRow(`SELECT customer, notes FROM invoices WHERE id = 2`).Scan(&customer, &notes)
	if customer != "Globex Corporation" || notes != "Net 30" {
		t.Fatalf("after saving the merge: %q, %q", customer, notes)
	}
	// Both change the customer: the admin's stale form keeps its value,
	// with the member's under it.
	status, _, page = d.postPage(t, "/invoices/2", admin, edit(adminBound, "Globex Inc", ""))
	if status != 409 || !strings.Contains(page, `value="Globex Inc"`) || !strings.Contains(page, "Saved now: “Globex Corporation”.") {
		t.Fatalf("both changed the customer: %d\n%s", status, page)
	}
}

// Two users saving the same new email at the same moment: one wins, the
// other gets a 422 on the email field, never a 500; 40 rounds.
func TestEmailRaceIsAFieldError(t *testing.T) {
	d := newDemo(t, false)
	users := []struct {
		cookie string
		id     int
	}{{"", 1}, {"", 2}}
	users[0].cookie, _ = d.login(t, app.AdminEmail, app.AdminPassword)
	users[1].cookie, _ = d.login(t, app.MemberEmail, app.MemberPassword)
	statuses := map[int]int{}
	var mu sync.Mutex
	for round := range 40 {
		var wg sync.WaitGroup
		for _, u := range users {
			var version int
			d.db.Read.QueryRow(`SELECT version FROM users WHERE id = ?`, u.id).Scan(&version)
			form := d.form(t, "profile.save", url.Values{"version": {fmt.Sprint(version)}})
			form.Set("name", fmt.Sprintf("User %d", u.id))
			form.Set("email", fmt.Sprintf("race%d@example.com", round))
			wg.Go(func() {
				status, _, page := d.postPage(t, "/profile", u.cookie, form)
				if status == 422 && !strings.Contains(page, "That email belongs to another user.") {
					t.Errorf("a 422 without the email's words:\n%s", page)
				}
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	if statuses[303] != 40 || statuses[422] != 40 {
		t.Fatalf("40 rounds of two saves: %v", statuses)
	}
}

// A write burst: 64 clients post 2,000 comments at once. Every one is
// answered 303, and every one is saved.
func TestWriteBurst(t *testing.T) {
	d := newDemo(t, false)
	cookie, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	var before int
	d.db.Read.QueryRow(`SELECT COUNT(*) FROM comments`).Scan(&before)
	forms := make(chan url.Values, 2000)
	for i := range 2000 {
		form := d.form(t, "invoice.comment", url.Values{"invoice_id": {"1"}})
		form.Set("body", fmt.Sprintf("burst %d", i))
		forms <- form
	}
	close(forms)
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for form := range forms {
				status, _, _ := d.postPage(t, "/invoices/1", cookie, form)
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	var after int
	d.db.Read.QueryRow(`SELECT COUNT(*) FROM comments`).Scan(&after)
	if statuses[303] != 2000 || after-before != 2000 {
		t.Fatalf("statuses %v, %d comments saved", statuses, after-before)
	}
}

// BenchmarkWriteBurst posts 2,000 comments from 64 clients at once over
// loopback, each iteration, and reports comments a second; any answer but
// 303 fails it.
func BenchmarkWriteBurst(b *testing.B) {
	d := newDemo(b, false)
	cookie, _ := d.login(b, app.MemberEmail, app.MemberPassword)
	var total int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		forms := make(chan url.Values, 2000)
		for i := range 2000 {
			form := d.form(b, "invoice.comment", url.Values{"invoice_id": {"1"}})
			form.Set("body", fmt.Sprintf("burst %d", i))
			forms <- form
		}
		close(forms)
		b.StartTimer()
		start := time.Now()
		var failed atomic.Int64
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				for form := range forms {
					if status, _, _ := d.postPage(b, "/invoices/1", cookie, form); status != http.StatusSeeOther {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		elapsed += time.Since(start)
		if failed.Load() > 0 {
			b.Fatalf("%d of 2,000 comments were not answered 303", failed.Load())
		}
		total += 2000
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "comments/s")
	b.ReportMetric(0, "errors")
}
