package app_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

// Five wrong passwords for an email, and the sixth try is 429 with
// Retry-After and the words in the form, whatever the password; another
// user signs in meanwhile. A form the validator stops is no try.
func TestSignInThrottling(t *testing.T) {
	d := newDemo(t, false)
	h, _ := d.app.Registry().ByName("auth.login")
	sealed, err := h.Seal(url.Values{"next": {""}})
	if err != nil {
		t.Fatal(err)
	}
	try := func(email, password string) (*http.Response, string) {
		form := url.Values{"_action": {h.ID()}, "_bound": {sealed}, "email": {email}, "password": {password}}
		req, _ := http.NewRequestWithContext(t.Context(), "POST", d.ts.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := d.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	if resp, _ := try(app.MemberEmail, ""); resp.StatusCode != 422 {
		t.Fatalf("an empty password: %d", resp.StatusCode)
	}
	for i := range 5 {
		if resp, _ := try(app.MemberEmail, "wrong password"); resp.StatusCode != 422 {
			t.Fatalf("wrong password %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := try(strings.ToUpper(app.MemberEmail), app.MemberPassword)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "180" || !strings.Contains(body, "Too many attempts. Try again in 3 minutes.") {
		t.Fatalf("the sixth try: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(body, `value="`+strings.ToUpper(app.MemberEmail)+`"`) {
		t.Error("the email typed is not kept")
	}
	if resp, _ := try(app.AdminEmail, app.AdminPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another user, meanwhile: %d", resp.StatusCode)
	}
}

// Thirty tries a minute from one address, then 429, whoever signs in:
// the address is counted before the body is read, so a form that the
// validator then stops is a try too.
func TestSignInThrottlingByAddress(t *testing.T) {
	d := newDemo(t, false)
	h, _ := d.app.Registry().ByName("auth.login")
	sealed, _ := h.Seal(url.Values{"next": {""}})
	statuses := map[int]int{}
	for range 31 {
		resp := d.post(t, "/login", "", url.Values{"_action": {h.ID()}, "_bound": {sealed}, "email": {"not an email"}, "password": {"x"}})
		statuses[resp.StatusCode]++
	}
	if statuses[422] != 30 || statuses[429] != 1 {
		t.Fatalf("31 tries from one address: %v", statuses)
	}
}
