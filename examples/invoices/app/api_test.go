package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

var tokenPattern = regexp.MustCompile(`inv_\d+_\d+_[A-Za-z0-9_-]+`)

// token signs in as email and copies the API token off the profile page,
// as a user setting up the mobile app does.
func (d *demo) token(t *testing.T, email, password string) string {
	t.Helper()
	cookie, _ := d.login(t, email, password)
	_, page := d.get(t, "/profile", cookie)
	tok := tokenPattern.FindString(page)
	if tok == "" {
		t.Fatal("the profile page shows no API token")
	}
	return tok
}

// api sends an API request with a bearer token (none when token is "").
func (d *demo) api(t *testing.T, method, path, token, body string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, d.ts.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := d.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	return v
}

type problem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Location, Message string
	} `json:"errors"`
}

// The mobile app's API: a bearer token gives the user's principal to the
// same actions and policies the forms use; a list and an invoice have
// ETags answered 304; a create is 201 with Location, or 422 with the
// form's field keys; a patch at an old version is 409, never lost; a
// delete is for admins.
func TestAPIInvoices(t *testing.T) {
	d := newDemo(t, false)
	admin := d.token(t, app.AdminEmail, app.AdminPassword)
	member := d.token(t, app.MemberEmail, app.MemberPassword)

	if resp, body := d.api(t, "GET", "/api/invoices", "", ""); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != "Bearer" {
		t.Fatalf("no token: %d %s", resp.StatusCode, body)
	}
	if resp, _ := d.api(t, "GET", "/api/invoices", member+"x", ""); resp.StatusCode != 401 {
		t.Fatalf("a forged token: %d", resp.StatusCode)
	}
	resp, body := d.api(t, "GET", "/api/invoices", member, "")
	list := decode[struct{ Invoices []app.APIInvoice }](t, body)
	if resp.StatusCode != 200 || len(list.Invoices) == 0 || resp.Header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("list: %d %q %s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
	if again, _ := d.api(t, "GET", "/api/invoices", member, "", "If-None-Match", resp.Header.Get("ETag")); again.StatusCode != 304 {
		t.Errorf("list again with its ETag: %d, want 304", again.StatusCode)
	}

	// Create: 422 keyed as the form's fields, then 201.
	resp, body = d.api(t, "POST", "/api/invoices", member, `{"invoice":{"project_id":1,"customer":"  ","email":"x","amount":"12,5","due":"2026-12-01"}}`)
	p := decode[problem](t, body)
	keys := []string{}
	for _, e := range p.Errors {
		keys = append(keys, e.Location)
	}
	if resp.StatusCode != 422 || strings.Join(keys, ",") != "invoice.amount,invoice.customer,invoice.email" {
		t.Fatalf("invalid create: %d %s", resp.StatusCode, body)
	}
	resp, body = d.api(t, "POST", "/api/invoices", member, `{"invoice":{"project_id":1,"customer":"Mobile Co","email":"ap@mobile.example","amount":"99.50","due":"2026-12-01"}}`)
	created := decode[app.APIInvoice](t, body)
	if resp.StatusCode != 201 || resp.Header.Get("Location") != created.URL || created.AmountCents != 9950 || created.Status != "open" {
		t.Fatalf("create: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}

	// Read it back, then 304 on its ETag.
	resp, _ = d.api(t, "GET", created.URL, member, "")
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" || resp.Header.Get("Last-Modified") == "" {
		t.Fatalf("get: %d ETag %q", resp.StatusCode, etag)
	}
	if again, _ := d.api(t, "GET", created.URL, member, "", "If-None-Match", etag); again.StatusCode != 304 {
		t.Errorf("get with its ETag: %d, want 304", again.StatusCode)
	}

	// Patch one field at the version read; the same patch again is stale.
	patch := `{"version":1,"invoice":{"notes":"Paid by card"}}`
	resp, body = d.api(t, "PATCH", created.URL, member, patch)
	patched := decode[app.APIInvoice](t, body)
	if resp.StatusCode != 200 || patched.Notes != "Paid by card" || patched.Customer != "Mobile Co" || patched.Version != 2 {
		t.Fatalf("patch: %d %s", resp.StatusCode, body)
	}
	if resp, body := d.api(t, "PATCH", created.URL, admin, `{"version":1,"invoice":{"notes":"lost?"}}`); resp.StatusCode != 409 {
		t.Errorf("a patch at an old version: %d %s, want 409", resp.StatusCode, body)
	}
	if again, _ := d.api(t, "GET", created.URL, member, "", "If-None-Match", etag); again.StatusCode != 200 {
		t.Errorf("the old ETag after a patch: %d, want 200", again.StatusCode)
	}

	// Delete: admins only; then 404.
	if resp, _ := d.api(t, "DELETE", created.URL, member, ""); resp.StatusCode != 403 {
		t.Errorf("a member deletes: %d, want 403", resp.StatusCode)
	}
	if resp, _ := d.api(t, "DELETE", created.URL, admin, ""); resp.StatusCode != 204 {
		t.Errorf("an admin deletes: %d, want 204", resp.StatusCode)
	}
	for _, path := range []string{created.URL, "/api/invoices/nope", "/api/nothing"} {
		if resp, body := d.api(t, "GET", path, member, ""); resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %d %s, want a 404 problem", path, resp.StatusCode, body)
		}
	}
}

// Replacing the token on the profile page revokes the old one at once.
func TestAPITokenReplaced(t *testing.T) {
	d := newDemo(t, false)
	cookie, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	_, page := d.get(t, "/profile", cookie)
	old := tokenPattern.FindString(page)
	if resp, _ := d.api(t, "GET", "/api/invoices", old, ""); resp.StatusCode != 200 {
		t.Fatalf("the token shown: %d", resp.StatusCode)
	}
	if resp := d.post(t, "/profile", cookie, d.form(t, "api.replace_token", nil)); resp.StatusCode != 303 {
		t.Fatalf("replace: %d", resp.StatusCode)
	}
	_, page = d.get(t, "/profile", cookie)
	fresh := tokenPattern.FindString(page)
	if fresh == "" || fresh == old {
		t.Fatalf("the page shows %q after replacing %q", fresh, old)
	}
	if resp, _ := d.api(t, "GET", "/api/invoices", old, ""); resp.StatusCode != 401 {
		t.Errorf("the old token: %d, want 401", resp.StatusCode)
	}
	if resp, _ := d.api(t, "GET", "/api/invoices", fresh, ""); resp.StatusCode != 200 {
		t.Errorf("the new token: %d, want 200", resp.StatusCode)
	}
}

// The changelog feed is public, cached by any cache, with an ETag; a
// browser on another site may read it; a signed-in caller's copy stays
// private.
func TestAPIChangelog(t *testing.T) {
	d := newDemo(t, false)
	resp, body := d.api(t, "GET", "/api/changelog.json", "", "", "Origin", "https://elsewhere.example")
	if resp.StatusCode != 200 || !strings.Contains(body, `"entries"`) ||
		resp.Header.Get("Cache-Control") != "public, max-age=0, s-maxage=60, stale-while-revalidate=300" ||
		resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("changelog: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if again, _ := d.api(t, "GET", "/api/changelog.json", "", "", "If-None-Match", resp.Header.Get("ETag")); again.StatusCode != 304 {
		t.Errorf("with its ETag: %d", again.StatusCode)
	}
	member := d.token(t, app.MemberEmail, app.MemberPassword)
	if resp, _ := d.api(t, "GET", "/api/changelog.json", member, ""); resp.Header.Get("Cache-Control") != "private, no-cache" || resp.Header.Get("X-Cache") != "BYPASS" {
		t.Errorf("a signed-in caller's copy: %q", resp.Header.Get("Cache-Control"))
	}
	if resp, _ := d.api(t, "HEAD", "/api/changelog.json", "", ""); resp.StatusCode != 200 || resp.Header.Get("ETag") == "" {
		t.Errorf("HEAD: %d", resp.StatusCode)
	}
}
