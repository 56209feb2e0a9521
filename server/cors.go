package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CORS lets scripts on other origins call a [Route] from a browser
// (Cross-Origin Resource Sharing). A route without it answers no
// cross-origin script, and refuses a cross-origin unsafe request.
type CORS struct {
	// Origins may call the route, such as "https://app.example.com"; "*"
	// alone means any origin, and then Credentials must be false.
	Origins []string
	// Methods a preflight allows. Nil means every method of the route.
	Methods []string
	// Headers a request may send beyond the CORS-safelisted ones, such as
	// "Authorization" or "Content-Type" (for JSON).
	Headers []string
	// Expose lists response headers a script may read beyond the
	// safelisted ones, such as "ETag" or "Location".
	Expose []string
	// Credentials lets the browser send cookies and HTTP authentication,
	// and the script read the answer.
	Credentials bool
	// MaxAge is how long a browser may keep a preflight's answer; 0 sends
	// none (browsers keep it 5 seconds).
	MaxAge time.Duration
}

// cors is a route's CORS, ready to answer.
type cors struct {
	any         bool
	origins     map[string]bool
	methods     string // "" means the route's methods
	headers     map[string]bool
	allowHeader string
	expose      string
	credentials bool
	maxAge      string
}

// Check reports what is wrong with c, if anything: no origin, a malformed
// one, or "*" with other origins or with Credentials. [Route.CORS] panics
// on such a configuration; Check lets an app that reads its origins from
// its environment say so at start-up.
func (c CORS) Check() error {
	_, err := c.compile()
	return err
}

// compile checks c and makes it ready to answer.
func (c CORS) compile() (*cors, error) {
	out := &cors{origins: map[string]bool{}, headers: map[string]bool{}, credentials: c.Credentials,
		expose: strings.Join(c.Expose, ", ")}
	if len(c.Origins) == 0 {
		return nil, fmt.Errorf("no Origins")
	}
	for _, o := range c.Origins {
		if o == "*" {
			out.any = true
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
			return nil, fmt.Errorf("origin %q is not one such as https://app.example.com", o)
		}
		if p := u.Port(); u.Scheme == "https" && p == "443" || u.Scheme == "http" && p == "80" {
			return nil, fmt.Errorf("origin %q names its default port, which browsers leave out", o)
		}
		out.origins[strings.ToLower(o)] = true
	}
	if out.any && (len(c.Origins) > 1 || c.Credentials) {
		return nil, fmt.Errorf(`origin "*" must stand alone, without Credentials`)
	}
	if len(c.Methods) > 0 {
		ms := make([]string, len(c.Methods))
		for i, m := range c.Methods {
			ms[i] = strings.ToUpper(m)
		}
		slices.Sort(ms)
		out.methods = strings.Join(ms, ", ")
	}
	for _, h := range c.Headers {
		out.headers[strings.ToLower(h)] = true
	}
	out.allowHeader = strings.Join(c.Headers, ", ")
	if c.MaxAge > 0 {
		out.maxAge = strconv.FormatInt(int64(c.MaxAge/time.Second), 10)
	}
	return out, nil
}

// allows reports whether scripts of origin may call the route.
func (c *cors) allows(origin string) bool {
	return origin != "" && origin != "null" && (c.any || c.origins[strings.ToLower(origin)])
}

// admits reports whether an unsafe request from another origin may run on
// the route, which answers the methods of allow: its origin is allowed,
// its method too, and it carries cookies only when Credentials allows
// them. A browser sends cookies with a cross-site form, whatever CORS
// says; without Credentials, such a request is left to cross-origin
// protection, so that no site acts as the user.
func (c *cors) admits(r *http.Request, allow string) bool {
	methods := c.methods
	if methods == "" {
		methods = allow
	}
	return c.allows(r.Header.Get("Origin")) && listHas(methods, r.Method) &&
		(c.credentials || r.Header.Get("Cookie") == "")
}

// vary names what a CORS answer depends on, for caches.
var varyCORS = []string{"Origin"}[:1:1]

// answer sets the headers of an actual (not preflight) request's answer.
func (c *cors) answer(h http.Header, origin string) {
	if len(h["Vary"]) == 0 {
		h["Vary"] = varyCORS // shared, its capacity its length: an Add copies it
	} else {
		h["Vary"] = append(h["Vary"], varyCORS...)
	}
	if !c.allows(origin) {
		return
	}
	c.allowOrigin(h, origin)
	if c.expose != "" {
		h.Set("Access-Control-Expose-Headers", c.expose)
	}
}

func (c *cors) allowOrigin(h http.Header, origin string) {
	if c.any {
		h.Set("Access-Control-Allow-Origin", "*")
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if c.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}

// preflight answers a CORS preflight (OPTIONS with
// Access-Control-Request-Method) for a route whose methods are allow. A
// refused preflight gets no Access-Control-Allow-* header, which the
// browser reads as no.
func (c *cors) preflight(h http.Header, r *http.Request, allow string) {
	h["Vary"] = append(h["Vary"], "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
	origin := r.Header.Get("Origin")
	method := r.Header.Get("Access-Control-Request-Method")
	methods := c.methods
	if methods == "" {
		methods = allow
	}
	if !c.allows(origin) || !listHas(methods, method) || !c.allowsHeaders(r.Header.Values("Access-Control-Request-Headers")) {
		return
	}
	c.allowOrigin(h, origin)
	h.Set("Access-Control-Allow-Methods", methods)
	if c.allowHeader != "" {
		h.Set("Access-Control-Allow-Headers", c.allowHeader)
	}
	if c.maxAge != "" {
		h.Set("Access-Control-Max-Age", c.maxAge)
	}
}

// allowsHeaders reports whether every header a preflight asks for is
// allowed.
func (c *cors) allowsHeaders(values []string) bool {
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" && !c.headers[name] {
				return false
			}
		}
	}
	return true
}

// listHas reports whether the comma-separated list holds item exactly.
func listHas(list, item string) bool {
	for v := range strings.SplitSeq(list, ",") {
		if strings.TrimSpace(v) == item {
			return true
		}
	}
	return false
}
