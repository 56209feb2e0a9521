package actions

import (
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// FileLimits are the size and type limits of a file field, from its
// "file" tag:
//
//	Avatar *actions.File `form:"avatar" file:"max=500KB,types=image/png image/jpeg"`
//
// max takes B, KB or MB (1024-based); types lists media types, checked
// against the file's content (http.DetectContentType), not against what
// the client claims. A file over its limits is that field's error (422),
// in words: "Use a file of at most 500 KB.", "Use a PNG or JPEG file."
type FileLimits struct {
	MaxBytes int64    `json:"max_bytes,omitempty"`
	Types    []string `json:"types,omitempty"`
}

// parseFileLimits reads a "file" tag.
func parseFileLimits(tag string) (FileLimits, error) {
	var l FileLimits
	for item := range strings.SplitSeq(tag, ",") {
		key, value, _ := strings.Cut(strings.TrimSpace(item), "=")
		switch key {
		case "":
		case "max":
			n, err := parseSize(value)
			if err != nil {
				return l, fmt.Errorf("file tag %q: %w", tag, err)
			}
			l.MaxBytes = n
		case "types":
			for t := range strings.FieldsSeq(value) {
				if _, _, err := mime.ParseMediaType(t); err != nil || !strings.Contains(t, "/") {
					return l, fmt.Errorf("file tag %q: %q is not a media type", tag, t)
				}
				l.Types = append(l.Types, t)
			}
		default:
			return l, fmt.Errorf("file tag %q: unknown key %q (use max and types)", tag, key)
		}
	}
	return l, nil
}

func parseSize(s string) (int64, error) {
	unit := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			s, unit = num, u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("max=%s is not a size such as 500KB", s)
	}
	return n * unit, nil
}

// check returns the field error of a file over its limits, or "".
func (l FileLimits) check(f *File) string {
	if l.MaxBytes > 0 && f.Size > l.MaxBytes {
		return "Use a file of at most " + humanBytes(l.MaxBytes) + "."
	}
	if len(l.Types) > 0 {
		sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(f.Content))
		if !slices.Contains(l.Types, sniffed) {
			return "Use " + article(typeNames(l.Types)) + " file."
		}
	}
	return ""
}

// typeNames words media types for people: "PNG or JPEG".
func typeNames(types []string) string {
	names := make([]string, len(types))
	for i, t := range types {
		switch t {
		case "image/jpeg":
			names[i] = "JPEG"
		case "text/plain":
			names[i] = "text"
		case "image/webp":
			names[i] = "WebP"
		default:
			_, sub, _ := strings.Cut(t, "/")
			names[i] = strings.ToUpper(sub)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// article puts "a" or "an" before a type name.
func article(name string) string {
	if strings.ContainsRune("AEFHILMNORSX", rune(name[0])) { // as letters are said: an F, an H, an MP4
		return "an " + name
	}
	return "a " + name
}
