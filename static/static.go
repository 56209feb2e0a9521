// Package static serves embedded assets under fingerprinted URLs with
// long-lived, immutable caching.
//
// A [Files] value fingerprints every file of an fs.FS once, when it is made.
// [Files.URL] returns a file's fingerprinted URL (/static/htmx-2.0.11.min.d6fdc75f.js)
// for pages to link, and [Files] serves those URLs with
// Cache-Control: public, max-age=31536000, immutable. There is no directory
// listing and no way out of the file system.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// The files this package ships. htmx is vendored from the npm package
// htmx.org, and idiomorph from the npm package idiomorph.
const (
	HTMX2 = "htmx-2.0.11.min.js"
	HTMX4 = "htmx-4.0.1.min.js"
	// Idiomorph is the morph swap for htmx 2 (htmx 4 has its own): load it
	// after htmx 2 and put hx-ext="morph" on the body, so that the page
	// after an action is morphed in place.
	Idiomorph = "idiomorph-ext-0.8.0.min.js"
	CSS       = "formwork.css" // the form styles: fields, errors, the pending state, the message slot
	// JS is formwork's script for htmx pages: a form's submit buttons are
	// busy while its request is in flight, and a morph after an action
	// keeps focus and what the user is typing in other forms.
	JS = "formwork.js"
)

// Assets returns formwork's own assets: both htmx versions, idiomorph, the
// form styles, and formwork.js.
func Assets() fs.FS {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

// Files serves the files of an fs.FS under fingerprinted URLs.
type Files struct {
	prefix string
	byName map[string]*file // "htmx.js"
	byURL  map[string]*file // "htmx.4f2a9c1e.js"
}

type file struct {
	name, fingerprinted string
	url                 string // prefix + fingerprinted
	content             []byte
	etag, ctype         string
}

// New reads every file of fsys and returns a [Files] that serves them under
// prefix, such as "/static/".
func New(fsys fs.FS, prefix string) (*Files, error) {
	if !strings.HasPrefix(prefix, "/") || !strings.HasSuffix(prefix, "/") {
		return nil, fmt.Errorf("static: prefix %q must start and end with /", prefix)
	}
	f := &Files{prefix: prefix, byName: map[string]*file{}, byURL: map[string]*file{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(content)
		hash := hex.EncodeToString(sum[:4])
		ext := path.Ext(p)
		fp := strings.TrimSuffix(p, ext) + "." + hash + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = http.DetectContentType(content)
		}
		entry := &file{name: p, fingerprinted: fp, url: prefix + fp, content: content, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, ctype: ctype}
		f.byName[p], f.byURL[fp] = entry, entry
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: %w", err)
	}
	return f, nil
}

// URL returns the fingerprinted URL of the file name. It panics for a name
// that is not there, so that a typo fails on the first render in a test.
func (f *Files) URL(name string) string {
	e, ok := f.byName[name]
	if !ok {
		panic(fmt.Sprintf("static: no file %q", name))
	}
	return e.url
}

// ServeHTTP serves a fingerprinted URL with immutable caching. A name whose
// fingerprint is out of date (a page from an older deploy) gets the current
// file, marked no-cache; anything else is 404.
func (f *Files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rel, ok := strings.CutPrefix(r.URL.Path, f.prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	cache := "public, max-age=31536000, immutable"
	e := f.byURL[rel]
	if e == nil {
		e = f.byName[stripFingerprint(rel)]
		cache = "no-cache"
	}
	if e == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", cache)
	h.Set("Content-Type", e.ctype)
	h.Set("ETag", e.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(e.content))
}

// stripFingerprint turns "htmx.0123abcd.js" into "htmx.js".
func stripFingerprint(p string) string {
	ext := path.Ext(p)
	base := strings.TrimSuffix(p, ext)
	i := strings.LastIndexByte(base, '.')
	if i < 0 || len(base)-i-1 != 8 {
		return ""
	}
	return base[:i] + ext
}
