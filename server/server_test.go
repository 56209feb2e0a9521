package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
	"github.com/formwork-dev/formwork/views"
)

var callers = []struct {
	name   string
	caller server.Caller
}{{"browser", server.CallerBrowser}, {"htmx", server.CallerHTMX}, {"json", server.CallerJSON}}

func jsonBody(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return m
}

func TestSuccessWithRedirect(t *testing.T) {
	for _, c := range callers {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, false)
			resp, body := a.do(t, call{body: a.saveForm(url.Values{"title": {"go"}}), user: "ann", caller: c.caller})
			switch c.caller {
			case server.CallerBrowser:
				if resp.StatusCode != 303 || resp.Header.Get("Location") != "/done" {
					t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("Location"))
				}
			case server.CallerHTMX:
				if resp.StatusCode != 200 || resp.Header.Get("HX-Location") != "/done" {
					t.Fatalf("got %d HX-Location %q", resp.StatusCode, resp.Header.Get("HX-Location"))
				}
			case server.CallerJSON:
				m := jsonBody(t, body)
				if resp.StatusCode != 200 || m["ok"] != true || m["redirect"] != "/done" {
					t.Fatalf("got %d %s", resp.StatusCode, body)
				}
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q", got)
			}
			if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "HX-Request, Accept") {
				t.Errorf("Vary = %q", resp.Header.Values("Vary"))
			}
			if !hasCookie(resp, "saved") {
				t.Error("the cookie set in the action is missing")
			}
			if got := a.rec.Tags(); len(got) != 1 || got[0] != "notes" {
				t.Errorf("revalidated %v after success, want [notes]", got)
			}
		})
	}
	t.Run("htmx full reload", func(t *testing.T) {
		a := newApp(t, false)
		resp, _ := a.do(t, call{body: a.saveForm(url.Values{"title": {"full"}}), user: "ann", caller: server.CallerHTMX})
		if resp.Header.Get("HX-Redirect") != "/done" {
			t.Fatalf("HX-Redirect = %q", resp.Header.Get("HX-Redirect"))
		}
	})
}

func hasCookie(resp *http.Response, name string) bool {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return true
		}
	}
	return false
}

func TestSuccessWithoutRedirect(t *testing.T) {
	t.Run("browser: 303 back and a one-time flash", func(t *testing.T) {
		a := newApp(t, false)
		resp, _ := a.do(t, call{body: a.saveForm(url.Values{"title": {"hello"}}), user: "ann"})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/notes" || !hasCookie(resp, "saved") {
			t.Fatalf("got %d %q cookies %v", resp.StatusCode, resp.Header.Get("Location"), resp.Cookies())
		}
		var flash *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "fw_flash" {
				flash = c
			}
		}
		if flash == nil || strings.Contains(flash.Value, "Saved") {
			t.Fatalf("flash cookie = %v (it must be sealed)", flash)
		}
		h := http.Header{"Cookie": {flash.Name + "=" + flash.Value}}
		resp, body := a.do(t, call{method: "GET", user: "ann", header: h})
		if resp.StatusCode != 200 || !strings.Contains(body, "Saved hello.") {
			t.Fatalf("page after redirect: %d %s", resp.StatusCode, body)
		}
		if c := resp.Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
			t.Fatalf("the flash is not cleared: %v", c)
		}
		// A forged flash shows nothing.
		_, body = a.do(t, call{method: "GET", user: "ann", header: http.Header{"Cookie": {"fw_flash=SGFja2Vk"}}})
		if strings.Contains(body, "fw-notice-ok") {
			t.Fatal("forged flash shown")
		}
	})
	for _, htmx := range []struct{ name, target, requestType, reswap string }{
		{"htmx 2", "f-ID", "", "morph:innerHTML"},
		{"htmx 4", "form#f-ID", "partial", "outerMorph"},
	} {
		t.Run(htmx.name, func(t *testing.T) {
			a := newApp(t, false)
			target := strings.Replace(htmx.target, "ID", a.save.ID(), 1)
			h := http.Header{}
			if htmx.requestType != "" {
				h.Set("HX-Request-Type", htmx.requestType)
			}
			resp, body := a.do(t, call{body: a.saveForm(url.Values{"title": {"hello"}}), user: "ann", caller: server.CallerHTMX, target: target, header: h})
			// The whole page, rendered after the mutation, morphed into
			// the body: no region of it is stale. The form shows its
			// message, reset; the Notice is empty, so the last message
			// is gone.
			if resp.StatusCode != 200 || !strings.Contains(body, `<form id="`+views.DOMID(a.save, "")+`"`) ||
				!strings.Contains(body, "<html") || !strings.Contains(body, "Saved hello.") ||
				!strings.Contains(body, `<div id="fw-notice" class="fw-notice-slot" aria-live="polite"></div>`) {
				t.Fatalf("got %d %s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("HX-Retarget") + " " + resp.Header.Get("HX-Reswap"); got != "body "+htmx.reswap {
				t.Errorf("HX-Retarget and HX-Reswap = %q, want body %s", got, htmx.reswap)
			}
			if strings.Contains(body, `value="hello"`) {
				t.Fatal("the form is not reset after success")
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		a := newApp(t, false)
		resp, body := a.do(t, call{path: "/_actions/" + a.save.ID(), body: strings.NewReader(`{"title":"hello"}`),
			ctype: "application/json", user: "ann", caller: server.CallerJSON})
		m := jsonBody(t, body)
		if resp.StatusCode != 200 || m["ok"] != true || m["message"] != "Saved hello." || m["out"].(map[string]any)["title"] != "hello" {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
}

func TestInvalidInput(t *testing.T) {
	bad := url.Values{"title": {strings.Repeat("x", 41)}, "body": {"keep me"}, "password": {"hunter2"}}
	for _, c := range callers {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, false)
			resp, body := a.do(t, call{body: a.saveForm(bad), user: "ann", caller: c.caller, target: views.DOMID(a.save, "")})
			if resp.StatusCode != 422 || a.ran.Load() != 0 {
				t.Fatalf("got %d, ran %d", resp.StatusCode, a.ran.Load())
			}
			if strings.Contains(body, "hunter2") {
				t.Fatal("the password was echoed")
			}
			// A browser may keep the page, privately, so that Back to it
			// after the next submit shows it rather than "Confirm Form
			// Resubmission"; no other answer is kept.
			want := map[server.Caller]string{server.CallerBrowser: "private, no-cache"}[c.caller]
			if want == "" {
				want = "no-store"
			}
			if got := resp.Header.Get("Cache-Control"); got != want {
				t.Errorf("Cache-Control = %q, want %q", got, want)
			}
			switch c.caller {
			case server.CallerJSON:
				m := jsonBody(t, body)
				if m["fields"].(map[string]any)["title"] != "Use at most 40 characters." {
					t.Fatalf("fields: %s", body)
				}
			default:
				if !strings.Contains(body, "Use at most 40 characters.") || !strings.Contains(body, ">keep me</textarea>") ||
					!strings.Contains(body, `aria-invalid="true"`) {
					t.Fatalf("errors or values missing: %s", body)
				}
				if whole := strings.Contains(body, "<html"); whole != (c.caller == server.CallerBrowser) {
					t.Fatalf("whole page = %v for %s", whole, c.name)
				}
			}
		})
	}
	t.Run("mutation field error", func(t *testing.T) {
		a := newApp(t, false)
		resp, body := a.do(t, call{body: a.saveForm(url.Values{"title": {"taken"}}), user: "ann"})
		if resp.StatusCode != 422 || !strings.Contains(body, "That title is taken.") || !strings.Contains(body, `value="taken"`) {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
		if a.ran.Load() != 1 || len(a.rec.Tags()) != 0 {
			t.Fatalf("ran %d, revalidated %v: a failed mutation revalidates nothing", a.ran.Load(), a.rec.Tags())
		}
	})
}

// Over a rate limit, every caller gets 429 with Retry-After and words
// that say when, in the form for a page.
func TestTooManyRequests(t *testing.T) {
	for _, c := range callers {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, false)
			resp, body := a.do(t, call{body: a.saveForm(url.Values{"title": {"again"}}), user: "ann", caller: c.caller, target: views.DOMID(a.save, "")})
			if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "90" {
				t.Fatalf("got %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			if c.caller == server.CallerJSON {
				if m := jsonBody(t, body); m["kind"] != "too_many_requests" || m["retry_after"] != 90.0 {
					t.Fatalf("JSON: %s", body)
				}
				return
			}
			form := regexp.MustCompile(`(?s)<form id="` + views.DOMID(a.save, "") + `".*?</form>`).FindString(body)
			if !strings.Contains(form, "Too many attempts. Try again in 90 seconds.") || !strings.Contains(form, `value="again"`) {
				t.Fatalf("the form does not say it, with the values kept:\n%s", body)
			}
		})
	}
}

func TestNotSignedInAndForbidden(t *testing.T) {
	for _, c := range callers {
		t.Run("anonymous "+c.name, func(t *testing.T) {
			a := newApp(t, false)
			resp, _ := a.do(t, call{body: a.saveForm(url.Values{"title": {"x"}}), caller: c.caller})
			want := map[server.Caller]int{server.CallerBrowser: 303, server.CallerHTMX: 200, server.CallerJSON: 401}[c.caller]
			if resp.StatusCode != want || a.ran.Load() != 0 {
				t.Fatalf("got %d, want %d; ran %d", resp.StatusCode, want, a.ran.Load())
			}
			switch c.caller {
			case server.CallerBrowser:
				if resp.Header.Get("Location") != "/login?next=%2Fnotes" {
					t.Fatalf("Location = %q", resp.Header.Get("Location"))
				}
			case server.CallerHTMX:
				if resp.Header.Get("HX-Redirect") != "/login?next=%2Fnotes" {
					t.Fatalf("HX-Redirect = %q", resp.Header.Get("HX-Redirect"))
				}
			}
		})
		t.Run("forbidden "+c.name, func(t *testing.T) {
			a := newApp(t, false)
			resp, body := a.do(t, call{body: a.archiveForm(a.sealed(t)), user: "ann", caller: c.caller, target: views.DOMID(a.archive, "")})
			if resp.StatusCode != 403 || a.ran.Load() != 0 || (c.caller != server.CallerJSON && !strings.Contains(body, "You do not have permission")) {
				t.Fatalf("got %d, ran %d: %s", resp.StatusCode, a.ran.Load(), body)
			}
		})
	}
	t.Run("admin may archive", func(t *testing.T) {
		a := newApp(t, false)
		resp, _ := a.do(t, call{body: a.archiveForm(a.sealed(t)), user: "root"})
		if resp.StatusCode != 303 || a.ran.Load() != 1 {
			t.Fatalf("got %d, ran %d", resp.StatusCode, a.ran.Load())
		}
	})
}

func TestUnknownAndMalformedIDs(t *testing.T) {
	for _, c := range callers {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, false)
			stale := "_action=AAAAAAAAAAAAAAAAAAAAAA&_form=f-AAAAAAAAAAAAAAAAAAAAAA&title=x"
			resp, body := a.do(t, call{body: strings.NewReader(stale), user: "ann", caller: c.caller, target: "f-AAAAAAAAAAAAAAAAAAAAAA"})
			if resp.StatusCode != 409 {
				t.Fatalf("stale ID: %d", resp.StatusCode)
			}
			if c.caller != server.CallerJSON && !strings.Contains(body, "This form is out of date; reload and try again.") {
				t.Fatalf("stale ID page: %s", body)
			}
			if c.caller == server.CallerHTMX && (resp.Header.Get("HX-Retarget") != "body" || resp.Header.Get("HX-Reswap") != "morph:innerHTML") {
				t.Fatalf("stale htmx form is not replaced by the page, morphed: %v", resp.Header)
			}
			resp, _ = a.do(t, call{body: strings.NewReader("_action=not-an-id&title=x"), user: "ann", caller: c.caller})
			if resp.StatusCode != 400 {
				t.Fatalf("malformed ID: %d", resp.StatusCode)
			}
			resp, _ = a.do(t, call{path: "/_actions/%2e%2e", body: strings.NewReader("title=x"), user: "ann", caller: c.caller})
			if resp.StatusCode != 400 {
				t.Fatalf("malformed ID in the path: %d", resp.StatusCode)
			}
		})
	}
}

func TestTamperedAndMovedBoundArguments(t *testing.T) {
	for _, c := range callers {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, false)
			sealed := []byte(a.sealed(t))
			sealed[10] ^= 0x01
			resp, _ := a.do(t, call{body: a.archiveForm(string(sealed)), user: "root", caller: c.caller})
			if resp.StatusCode != 400 || a.ran.Load() != 0 {
				t.Fatalf("tampered: %d, ran %d", resp.StatusCode, a.ran.Load())
			}
			moved := url.Values{"_action": {a.save.ID()}, "_bound": {a.sealed(t)}, "title": {"x"}}
			resp, _ = a.do(t, call{body: strings.NewReader(moved.Encode()), user: "root", caller: c.caller})
			if resp.StatusCode != 400 || a.ran.Load() != 0 {
				t.Fatalf("moved: %d, ran %d", resp.StatusCode, a.ran.Load())
			}
			clear := url.Values{"_action": {a.archive.ID()}, "_bound": {a.sealed(t)}, "id": {"7"}}
			resp, _ = a.do(t, call{body: strings.NewReader(clear.Encode()), user: "root", caller: c.caller})
			if resp.StatusCode != 400 || a.ran.Load() != 0 {
				t.Fatalf("bound field in the clear: %d, ran %d", resp.StatusCode, a.ran.Load())
			}
		})
	}
}

func TestBodyOverTheCap(t *testing.T) {
	for _, c := range callers {
		t.Run("2MB "+c.name, func(t *testing.T) {
			a := newApp(t, false)
			body := a.saveForm(url.Values{"title": {"x"}, "body": {strings.Repeat("a", 2<<20)}})
			resp, page := a.do(t, call{body: body, user: "ann", caller: c.caller, target: views.DOMID(a.save, "")})
			if resp.StatusCode != 413 || a.ran.Load() != 0 {
				t.Fatalf("got %d, ran %d", resp.StatusCode, a.ran.Load())
			}
			if c.caller != server.CallerJSON && !strings.Contains(page, "larger than 1 MB") {
				t.Fatalf("page does not say why: %s", page)
			}
		})
	}
	t.Run("100MB streamed", func(t *testing.T) {
		a := newApp(t, false)
		const size = 100 << 20
		prefix := "_action=" + a.save.ID() + "&title=x&body="
		body := io.MultiReader(strings.NewReader(prefix), io.LimitReader(repeatReader('a'), size))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		req, _ := http.NewRequestWithContext(t.Context(), "POST", a.ts.URL+"/notes", body)
		req.ContentLength = -1 // chunked: the server cannot trust a length
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-User", "ann")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 413 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		} // else: the server closed the connection mid-upload, as it may.
		runtime.ReadMemStats(&after)
		// About 1 MB is read before the body is refused, and at most 1 MB
		// more is drained so that a client still uploading can read the 413.
		if read := a.bodyRead.Load(); read > 2<<20+64<<10 {
			t.Fatalf("the server read %d bytes of a 100 MB body", read)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
			t.Fatalf("memory grew by %d bytes for a 100 MB body", grew)
		}
		if a.ran.Load() != 0 {
			t.Fatal("the action ran")
		}
	})
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestWrongContentTypeAndMethod(t *testing.T) {
	for _, c := range callers {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, false)
			resp, _ := a.do(t, call{path: "/_actions/" + a.save.ID(), body: strings.NewReader("title: x"), ctype: "text/yaml", user: "ann", caller: c.caller})
			if resp.StatusCode != 415 || a.ran.Load() != 0 {
				t.Fatalf("wrong type: %d", resp.StatusCode)
			}
			resp, _ = a.do(t, call{method: "GET", path: "/_actions/" + a.save.ID(), user: "ann", caller: c.caller})
			if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
				t.Fatalf("GET on an action: %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
			}
			resp, _ = a.do(t, call{method: "PUT", body: strings.NewReader(""), user: "ann", caller: c.caller})
			if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD, POST" {
				t.Fatalf("PUT on a page: %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
			}
		})
	}
}

func TestCrossOrigin(t *testing.T) {
	for _, c := range callers {
		for name, h := range map[string]http.Header{
			"sec-fetch-site cross-site": {"Sec-Fetch-Site": {"cross-site"}},
			"mismatched origin":         {"Origin": {"https://evil.example"}},
			"origin null":               {"Origin": {"null"}},
		} {
			t.Run(c.name+" "+name, func(t *testing.T) {
				a := newApp(t, false)
				resp, _ := a.do(t, call{body: a.saveForm(url.Values{"title": {"x"}}), user: "ann", caller: c.caller, header: h})
				if resp.StatusCode != 403 || a.ran.Load() != 0 {
					t.Fatalf("got %d, ran %d", resp.StatusCode, a.ran.Load())
				}
			})
		}
	}
	t.Run("same origin passes", func(t *testing.T) {
		a := newApp(t, false)
		resp, _ := a.do(t, call{body: a.saveForm(url.Values{"title": {"x"}}), user: "ann",
			header: http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {a.ts.URL}}})
		if resp.StatusCode != 303 {
			t.Fatalf("got %d", resp.StatusCode)
		}
	})
}

func TestPanicShowsDigest(t *testing.T) {
	for _, dev := range []bool{false, true} {
		for _, c := range callers {
			t.Run(c.name+map[bool]string{false: " prod", true: " dev"}[dev], func(t *testing.T) {
				a := newApp(t, dev)
				resp, body := a.do(t, call{body: a.saveForm(url.Values{"title": {"panic"}}), user: "ann", caller: c.caller, target: views.DOMID(a.save, "")})
				if resp.StatusCode != 500 {
					t.Fatalf("got %d", resp.StatusCode)
				}
				var digest string
				if c.caller == server.CallerJSON {
					digest, _ = jsonBody(t, body)["digest"].(string)
				} else if i := strings.Index(body, "reference "); i >= 0 {
					digest = body[i+10 : i+26]
				}
				if len(digest) != 16 && !dev {
					t.Fatalf("no digest in %s", body)
				}
				shown := strings.Contains(body, "the mutation panicked")
				if shown != dev {
					t.Fatalf("detail shown = %v in dev=%v: %s", shown, dev, body)
				}
				if !strings.Contains(a.logs.String(), "the mutation panicked") {
					t.Fatal("the log line lacks the error")
				}
				if len(a.rec.Tags()) != 0 {
					t.Fatalf("a panicking mutation revalidated %v", a.rec.Tags())
				}
				if !dev && !strings.Contains(a.logs.String(), `"digest":"`+digest+`"`) {
					t.Fatalf("the log line lacks digest %s: %s", digest, a.logs)
				}
			})
		}
	}
}

func TestRedirectOrigins(t *testing.T) {
	a := newApp(t, false)
	resp, _ := a.do(t, call{body: a.saveForm(url.Values{"title": {"evil"}}), user: "ann"})
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || strings.Contains(loc, "evil") {
		t.Fatalf("redirect to another origin: %d %q", resp.StatusCode, loc)
	}
	if !strings.Contains(a.logs.String(), "refused redirect") {
		t.Fatal("the refusal is not logged")
	}
	resp, _ = a.do(t, call{body: a.saveForm(url.Values{"title": {"pay"}}), user: "ann"})
	if loc := resp.Header.Get("Location"); loc != "https://pay.example.com/checkout" {
		t.Fatalf("allowlisted redirect: %q", loc)
	}
	// htmx loads another origin in full: HX-Location would fetch it with AJAX.
	resp, _ = a.do(t, call{body: a.saveForm(url.Values{"title": {"pay"}}), user: "ann", caller: server.CallerHTMX})
	if resp.Header.Get("HX-Redirect") != "https://pay.example.com/checkout" || resp.Header.Get("HX-Location") != "" {
		t.Fatalf("htmx allowlisted redirect: %v", resp.Header)
	}
	if _, err := server.New(server.Config{Actions: a.reg, RedirectOrigins: []string{"pay.example.com"}}); err == nil {
		t.Fatal("an origin without a scheme was accepted")
	}
}

func TestMultibyteTextRoundTrip(t *testing.T) {
	a := newApp(t, false)
	text := strings.Repeat("€ü字", 100000/3+1)[:len(strings.Repeat("€ü字", 33334))]
	text = string([]rune(text)[:100000])
	// JSON: the mutation's output is the input.
	in, _ := json.Marshal(map[string]string{"title": "t", "body": text})
	_, body := a.do(t, call{path: "/_actions/" + a.save.ID(), body: bytes.NewReader(in), ctype: "application/json", user: "ann", caller: server.CallerJSON})
	var out struct{ Out struct{ Body string } }
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Out.Body != text {
		t.Fatalf("JSON round trip lost text (%d runes back, %v)", len([]rune(out.Out.Body)), err)
	}
	// A form refilled after an invalid submit keeps it too.
	resp, page := a.do(t, call{body: a.saveForm(url.Values{"title": {""}, "body": {text}}), user: "ann"})
	if resp.StatusCode != 422 || !strings.Contains(page, ">"+text+"</textarea>") {
		t.Fatalf("refill lost text: %d", resp.StatusCode)
	}
}

func TestMultipartUTF8Filename(t *testing.T) {
	a := newApp(t, false)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_action", a.upload.ID())
	mw.WriteField("name", "résumé")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="doc"; filename="résumé-日本語.pdf"`)
	h.Set("Content-Type", "application/pdf")
	part, _ := mw.CreatePart(h)
	part.Write([]byte("%PDF-1"))
	mw.Close()
	resp, body := a.do(t, call{path: "/_actions/" + a.upload.ID(), body: &buf, ctype: mw.FormDataContentType(), caller: server.CallerJSON})
	if m := jsonBody(t, body); resp.StatusCode != 200 || m["out"] != "résumé-日本語.pdf:application/pdf:6" {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
	// A part the input does not take is refused before it is read.
	buf.Reset()
	mw = multipart.NewWriter(&buf)
	mw.WriteField("_action", a.upload.ID())
	mw.WriteField("name", "x")
	mw.WriteField("nope", strings.Repeat("z", 1000))
	mw.Close()
	resp, _ = a.do(t, call{body: &buf, ctype: mw.FormDataContentType(), caller: server.CallerJSON})
	if resp.StatusCode != 400 {
		t.Fatalf("unknown part: %d", resp.StatusCode)
	}
}

func TestLogLine(t *testing.T) {
	a := newApp(t, false)
	a.do(t, call{body: a.saveForm(url.Values{"title": {""}}), user: "ann"})
	var line map[string]any
	if err := json.Unmarshal(a.logs.Bytes(), &line); err != nil {
		t.Fatalf("log: %v: %s", err, a.logs)
	}
	for k, want := range map[string]any{"method": "POST", "pattern": "POST /notes", "action": "note.save", "outcome": "invalid", "status": 422.0} {
		if line[k] != want {
			t.Errorf("log %s = %v, want %v", k, line[k], want)
		}
	}
	if _, ok := line["duration"]; !ok {
		t.Error("log has no duration")
	}
}

func TestFormsMatchInputs(t *testing.T) {
	a := newApp(t, false)
	_, page := a.do(t, call{method: "GET", user: "ann"})
	if err := views.CheckHTML(a.reg, strings.NewReader(page)); err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(page, `name="title"`, `name="titel"`, 1)
	if err := views.CheckHTML(a.reg, strings.NewReader(broken)); err == nil || !strings.Contains(err.Error(), "titel") {
		t.Fatalf("a misnamed field passed the check: %v", err)
	}
}

func TestPanicInPageRenderAndFailedAuthentication(t *testing.T) {
	a := newApp(t, false)
	a.srv.Page("/boom", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		panic("the page panicked")
	})
	for _, c := range callers {
		resp, body := a.do(t, call{method: "GET", path: "/boom", caller: c.caller})
		if resp.StatusCode != 500 || strings.Contains(body, "the page panicked") || !strings.Contains(body, "fw-digest") && c.caller != server.CallerJSON {
			t.Fatalf("%s: page panic: %d %s", c.name, resp.StatusCode, body)
		}
	}
	if !strings.Contains(a.logs.String(), "the page panicked") {
		t.Fatal("the panic is not logged")
	}

	reg := a.reg
	srv, _ := server.New(server.Config{Actions: reg, Logger: discard, Authenticate: func(*http.Request) (actions.Principal, error) {
		return nil, errors.New("session store down")
	}})
	srv.Page("/x", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return templ.Raw("x"), nil
	})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "session store down") {
		t.Fatalf("failed authentication: %d %s", rec.Code, rec.Body)
	}
}

// The error fragment of a caller with no page lists field errors in the
// order of their names, the same on every response.
func TestErrorFragmentListsFieldsInOrder(t *testing.T) {
	a := newApp(t, false)
	for range 20 {
		resp, body := a.do(t, call{path: "/_actions/" + a.upload.ID(), body: strings.NewReader("name="), caller: server.CallerHTMX})
		doc, name := strings.Index(body, "<code>doc</code>"), strings.Index(body, "<code>name</code>")
		if resp.StatusCode != 422 || doc < 0 || name < 0 || doc > name {
			t.Fatalf("%d:\n%s", resp.StatusCode, body)
		}
	}
}

// In development the error page of a failed request shows the generic
// words and, once, the detail; JSON callers get the words and the digest.
func TestDevErrorPage(t *testing.T) {
	a := newApp(t, true)
	a.srv.Page("/boom", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		panic("the page panicked")
	})
	resp, body := a.do(t, call{method: "GET", path: "/boom"})
	if resp.StatusCode != 500 || !strings.Contains(body, "Something went wrong on our side.") ||
		strings.Count(body, "the page panicked") != 1 || !strings.Contains(body, "fw-detail") {
		t.Fatalf("%d:\n%s", resp.StatusCode, body)
	}
	resp, body = a.do(t, call{method: "GET", path: "/boom", caller: server.CallerJSON})
	got := jsonBody(t, body)
	if resp.StatusCode != 500 || got["error"] != "Something went wrong on our side." || len(got["digest"].(string)) != 16 {
		t.Fatalf("%d: %s", resp.StatusCode, body)
	}
}

// Every kind of error has its status in the one table: a new kind without
// a row fails here, not as a WriteHeader(0) panic in production.
func TestEveryKindHasAStatus(t *testing.T) {
	var n int
	for k := actions.Kind(0); !strings.HasPrefix(k.String(), "kind("); k++ {
		n++
		res := &actions.Result{Status: actions.StatusFailed, Kind: k}
		if got := server.StatusOf(res); got < 400 || got > 599 {
			t.Errorf("%v: status %d", k, got)
		}
	}
	if n < 11 {
		t.Fatalf("only %d kinds checked", n)
	}
}

// An htmx GET gets the fragment it targets when the page has it, and
// otherwise the whole page as it is, for hx-select: never a retarget.
func TestHTMXGet(t *testing.T) {
	a := newApp(t, false)
	for name, tc := range map[string]struct {
		target string
		whole  bool
	}{
		"a form's fragment":          {views.DOMID(a.save, ""), false},
		"a target that is no region": {"sidebar", true},
		"no target":                  {"", true},
	} {
		resp, body := a.do(t, call{method: "GET", user: "ann", caller: server.CallerHTMX, target: tc.target})
		whole := strings.Contains(body, "<html")
		if resp.StatusCode != 200 || whole != tc.whole || resp.Header.Get("HX-Retarget") != "" {
			t.Errorf("%s: %d, whole page %v, HX-Retarget %q", name, resp.StatusCode, whole, resp.Header.Get("HX-Retarget"))
		}
	}
}

// A body over the cap is answered on the form that sent it alone, among
// several forms of one action, in URL-encoded and multipart bodies: the
// form's DOM id comes before the body's bulk.
func TestTooLargeShowsOnTheSendingForm(t *testing.T) {
	a := newApp(t, false)
	a.srv.Page("/rows", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return templ.Join(
			views.Form(a.save, res, views.FormOptions{Key: "a"}), views.Form(a.save, res, views.FormOptions{Key: "b"}),
			views.Form(a.upload, res, views.FormOptions{Key: "a"}), views.Form(a.upload, res, views.FormOptions{Key: "b"}),
		), nil
	})
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("_action", a.upload.ID())
	mw.WriteField("_form", views.DOMID(a.upload, "b"))
	fw, _ := mw.CreateFormFile("doc", "big.bin")
	fw.Write(bytes.Repeat([]byte("z"), 2<<20))
	mw.Close()
	for name, tc := range map[string]struct {
		body  io.Reader
		ctype string
		form  string
	}{
		"URL-encoded": {strings.NewReader("_action=" + a.save.ID() + "&_form=" + views.DOMID(a.save, "b") + "&title=x&body=" + strings.Repeat("a", 2<<20)),
			"", views.DOMID(a.save, "b")},
		"multipart": {&mp, mw.FormDataContentType(), views.DOMID(a.upload, "b")},
	} {
		resp, page := a.do(t, call{path: "/rows", body: tc.body, ctype: tc.ctype, user: "ann"})
		at, msg := strings.Index(page, `id="`+tc.form+`"`), strings.Index(page, "larger than 1 MB")
		if resp.StatusCode != 413 || strings.Count(page, "larger than 1 MB") != 1 || at < 0 || msg < at {
			t.Errorf("%s: %d, the message at %d, the form at %d:\n%s", name, resp.StatusCode, msg, at, page)
		}
	}
}

// A page that needs a principal sends a browser, or htmx, to sign in
// whatever the method; a JSON caller gets 401.
func TestPageNeedsSignIn(t *testing.T) {
	a := newApp(t, false)
	a.srv.Page("/private", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		if actions.PrincipalFrom(r.Context()) == nil {
			return nil, actions.ErrUnauthenticated
		}
		return templ.Raw("private"), nil
	})
	for name, tc := range map[string]struct {
		c      call
		status int
		header string
	}{
		"browser GET":  {call{method: "GET", path: "/private"}, 303, "Location"},
		"browser POST": {call{path: "/private", body: strings.NewReader("_action=nope")}, 303, "Location"},
		"htmx GET":     {call{method: "GET", path: "/private", caller: server.CallerHTMX}, 200, "HX-Redirect"},
		"JSON GET":     {call{method: "GET", path: "/private", caller: server.CallerJSON}, 401, ""},
	} {
		resp, _ := a.do(t, tc.c)
		if resp.StatusCode != tc.status || (tc.header != "" && !strings.HasPrefix(resp.Header.Get(tc.header), "/login")) {
			t.Errorf("%s: %d %v", name, resp.StatusCode, resp.Header)
		}
	}
}

// Never silent: when the form that was sent is not on the page any more,
// its outcome shows in the page's Notice: for a browser in the page; for
// htmx out of band after an error, which keeps the form as the user left
// it (HX-Reswap: none); in the page morphed in after a views.Form's
// success; and out of band after a hand-written hx-post's success (it
// sends no _form), which gets the fragment it targets.
func TestOutcomeOfAFormThatIsGone(t *testing.T) {
	a := newApp(t, false)
	a.srv.Page("/gone", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return templ.Join(views.Notice(res), templ.Raw("<p>the row is gone</p>")), nil
	})
	form := url.Values{"_action": {a.archive.ID()}, "_form": {views.DOMID(a.archive, "")}, "_bound": {a.sealed(t)}}
	for name, tc := range map[string]struct {
		user, says string
		caller     server.Caller
		handWrote  bool // no _form: not a views.Form
		status     int
		reswap     string
		outOfBand  bool
	}{
		"forbidden, browser":          {"ann", "You do not have permission", server.CallerBrowser, false, 403, "", false},
		"forbidden, htmx":             {"ann", "You do not have permission", server.CallerHTMX, false, 403, "none", true},
		"archived, htmx":              {"root", "Archived.", server.CallerHTMX, false, 200, "morph:innerHTML", false},
		"archived, hand-written htmx": {"root", "Archived.", server.CallerHTMX, true, 200, "", true},
	} {
		body := form
		if tc.handWrote {
			body = without(form, "_form")
		}
		resp, page := a.do(t, call{path: "/gone", body: strings.NewReader(body.Encode()), user: tc.user, caller: tc.caller, target: views.DOMID(a.archive, "")})
		notice := regexp.MustCompile(`(?s)<div id="fw-notice"[^>]*>(.*?)</div></div>`).FindStringSubmatch(page)
		if resp.StatusCode != tc.status || notice == nil || !strings.Contains(notice[1], tc.says) || resp.Header.Get("HX-Reswap") != tc.reswap {
			t.Errorf("%s: %d, HX-Reswap %q:\n%s", name, resp.StatusCode, resp.Header.Get("HX-Reswap"), page)
		}
		if oob := strings.Contains(page, `hx-swap-oob="true"`); oob != tc.outOfBand {
			t.Errorf("%s: the Notice out of band: %v, want %v", name, oob, tc.outOfBand)
		}
	}
}

// A page that fails to render after a success answers 500 with the digest,
// and never with the headers that would put that answer in place of the
// whole body.
func TestFailedRenderAfterSuccessIsNotMorphed(t *testing.T) {
	a := newApp(t, false)
	a.srv.Page("/fails", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		if res.OK() {
			return nil, errors.New("the page's query failed")
		}
		return views.Form(a.save, res, views.FormOptions{}), nil
	})
	resp, body := a.do(t, call{path: "/fails", body: a.saveForm(url.Values{"title": {"hello"}}), user: "ann", caller: server.CallerHTMX})
	if resp.StatusCode != 500 || !strings.Contains(body, "Something went wrong on our side.") {
		t.Fatalf("got %d:\n%s", resp.StatusCode, body)
	}
	if h := resp.Header.Get("HX-Retarget") + resp.Header.Get("HX-Reswap"); h != "" {
		t.Errorf("a failed render carries HX-Retarget/HX-Reswap %q", h)
	}
}

// A conflict found by a views.Form's mutation leaves the page stale too
// (someone else saved): htmx gets the whole page, morphed, with the form's
// values kept and what is saved now under its fields; a browser the page,
// 409.
func TestConflictMorphsThePage(t *testing.T) {
	a := newApp(t, false)
	resp, body := a.do(t, call{body: a.saveForm(url.Values{"title": {"stale"}}), user: "ann", caller: server.CallerHTMX, target: views.DOMID(a.save, "")})
	if resp.StatusCode != 409 || resp.Header.Get("HX-Retarget") != "body" || resp.Header.Get("HX-Reswap") != "morph:innerHTML" ||
		!strings.Contains(body, "<html") || !strings.Contains(body, `value="stale"`) || !strings.Contains(body, "Saved now: “fresh”.") {
		t.Fatalf("htmx: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	resp, body = a.do(t, call{body: a.saveForm(url.Values{"title": {"stale"}}), user: "ann"})
	if resp.StatusCode != 409 || !strings.Contains(body, "Changed by someone else.") || resp.Header.Get("HX-Retarget") != "" {
		t.Fatalf("browser: %d %v", resp.StatusCode, resp.Header)
	}
}
