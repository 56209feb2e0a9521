package actions

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Field describes one form field of an action's input.
type Field struct {
	// Name is the form field name, with a dot between nested names and no
	// index for slice elements: "items.qty" stands for "items.0.qty",
	// "items.1.qty" and so on.
	Name      string `json:"name"`
	Type      string `json:"type"`            // the Go type
	Rules     string `json:"rules,omitempty"` // the validate tag
	Repeated  bool   `json:"repeated,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
	Bound     bool   `json:"bound,omitempty"`
	File      bool   `json:"file,omitempty"`
	// Limits are a file field's size and type limits, from its "file" tag.
	Limits FileLimits `json:"limits,omitzero"`

	kind  reflect.Kind
	index []int       // for top-level fields
	rules [][2]string // Rules parsed: name, parameter
}

// Kind returns the field's reflect kind, after pointers: reflect.String,
// reflect.Int64, reflect.Bool, reflect.Struct (for time.Time) and so on.
func (f Field) Kind() reflect.Kind { return f.kind }

// Rule returns the parameter of the named validator rule and whether the
// field has it: Rule("max") on "required,max=80" returns "80", true.
func (f Field) Rule(name string) (string, bool) {
	for _, r := range f.rules {
		if r[0] == name {
			return r[1], true
		}
	}
	return "", false
}

func parseRules(tag string) [][2]string {
	var out [][2]string
	for r := range strings.SplitSeq(tag, ",") {
		if r == "dive" {
			break // what follows applies to the elements
		}
		k, v, _ := strings.Cut(r, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

var (
	fileType = reflect.TypeFor[File]()
	timeType = reflect.TypeFor[time.Time]()
)

// formName returns the form name of a struct field, as gorilla/schema (with
// the "form" tag) and the validator (through the registry's tag function)
// both see it, or "" for a skipped field.
func formName(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("form"), ",")
	switch tag {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return tag
}

// describe lists the form fields of struct type t.
func describe(t reflect.Type) ([]Field, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("input type %v is not a struct", t)
	}
	var out []Field
	if err := walkFields(t, "", false, true, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// walkFields appends the form fields of struct type t to out, their names
// prefixed, descending into nested structs and slices of structs. Only
// top-level fields keep their index.
func walkFields(t reflect.Type, prefix string, repeated, top bool, out *[]Field) error {
	for i := range t.NumField() {
		sf := t.Field(i)
		name := formName(sf)
		if !sf.IsExported() || name == "" {
			continue
		}
		ft := sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		f := Field{Name: prefix + name, Type: sf.Type.String(), Rules: sf.Tag.Get("validate"), Repeated: repeated, kind: ft.Kind()}
		f.rules = parseRules(f.Rules)
		if top {
			f.index = sf.Index
		}
		switch {
		case ft == fileType && !top:
			return fmt.Errorf("file field %s must be a top-level field", f.Name)
		case ft == fileType:
			limits, err := parseFileLimits(sf.Tag.Get("file"))
			if err != nil {
				return fmt.Errorf("field %s: %w", f.Name, err)
			}
			f.File, f.Limits = true, limits
		case ft == timeType:
		case ft.Kind() == reflect.Struct:
			if err := walkFields(ft, f.Name+".", repeated, false, out); err != nil {
				return err
			}
			continue
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && ft.Elem() != timeType:
			if err := walkFields(ft.Elem(), f.Name+".", true, false, out); err != nil {
				return err
			}
			continue
		case ft.Kind() == reflect.Slice:
			f.Repeated, f.kind = true, ft.Elem().Kind()
		}
		*out = append(*out, f)
	}
	return nil
}

// fieldPattern drops numeric path segments: "items.0.qty" → "items.qty".
func fieldPattern(name string) string {
	if !strings.ContainsRune(name, '.') {
		return name
	}
	parts := strings.Split(name, ".")
	keep := parts[:0]
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, ".")
}
