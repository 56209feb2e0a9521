package views

import (
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
)

// attrs is an ordered attribute list: templ renders it as built, with no
// map and no sorting.
type attrs templ.OrderedAttributes

func (a *attrs) set(key string, value any) {
	for i := range *a {
		if (*a)[i].Key == key {
			(*a)[i].Value = value
			return
		}
	}
	*a = append(*a, templ.KeyValue[string, any]{Key: key, Value: value})
}

// merge sets extra attributes over a's, in key order so that output is
// deterministic.
func (a *attrs) merge(extra []templ.Attributes) {
	for _, e := range extra {
		for _, k := range slices.Sorted(maps.Keys(e)) {
			a.set(k, e[k])
		}
	}
}

// attrWriter writes a control's attributes straight to the output. Extra
// attributes given by the caller replace derived ones of the same name;
// the caller writes them last with [writer.extraAttrs].
type attrWriter struct {
	w     *writer
	extra map[string]any
}

func (a attrWriter) str(key, value string) {
	if _, ok := a.extra[key]; ok || value == "" {
		return
	}
	a.w.raw(" ")
	a.w.raw(key)
	a.w.raw(`="`)
	a.w.text(value)
	a.w.raw(`"`)
}

func (a attrWriter) flag(key string, on bool) {
	if _, ok := a.extra[key]; ok || !on {
		return
	}
	a.w.raw(" ")
	a.w.raw(key)
}

// extraAttrs writes a caller's extra attributes, in key order.
func (h *writer) extraAttrs(extra map[string]any) {
	switch len(extra) {
	case 0:
	case 1:
		h.attrs(templ.Attributes(extra)) // one key needs no ordering
	default:
		ordered := make(attrs, 0, len(extra))
		ordered.merge([]templ.Attributes{extra})
		h.attrs(templ.OrderedAttributes(ordered))
	}
}

// mergeExtra flattens the extra attribute maps given to a control.
func mergeExtra(extra []templ.Attributes) map[string]any {
	switch len(extra) {
	case 0:
		return nil
	case 1:
		return extra[0]
	}
	out := map[string]any{}
	for _, e := range extra {
		maps.Copy(out, e)
	}
	return out
}

// writeControlAttrs writes a control's attributes from the action's field:
// id, name, type and value, constraints from the validate tag (none for a
// slice), the error's aria attributes, then extra.
func (st *formState) writeControlAttrs(w *writer, f actions.Field, id, typ string, c control, extra map[string]any) {
	a := attrWriter{w: w, extra: extra}
	a.str("id", id)
	a.str("name", f.Name)
	if c == inputControl {
		a.str("type", typ)
		switch v := st.values.Get(f.Name); {
		case typ == "checkbox":
			a.str("value", "true")
			a.flag("checked", v == "true" || v == "on")
		case typ == "file":
			if len(f.Limits.Types) > 0 {
				a.str("accept", strings.Join(f.Limits.Types, ","))
			}
		case f.Sensitive:
		default:
			a.str("value", v)
		}
	}
	if !isSlice(f) {
		writeConstraints(a, f, typ, c)
	}
	if st.fieldError(f.Name) != "" {
		a.flag("autofocus", !st.focused) // the first invalid field, with JavaScript off too
		st.focused = true
		a.str("aria-invalid", "true")
		if _, ok := a.extra["aria-describedby"]; !ok {
			a.w.raw(` aria-describedby="`)
			a.w.text(id)
			a.w.raw(`-error"`)
		}
	} else if _, ok := a.extra["aria-describedby"]; !ok && st.hint(f, c) != "" {
		a.w.raw(` aria-describedby="`)
		a.w.text(id)
		a.w.raw(`-hint"`)
	}
	w.extraAttrs(extra) // not through a, whose extra would take w to the heap
}

// writeConstraints writes the constraint attributes of f's validate tag:
// required, minlength and maxlength for strings, min and max for numbers.
func writeConstraints(a attrWriter, f actions.Field, typ string, c control) {
	_, required := f.Rule("required")
	_, notBlank := f.Rule("notblank")
	a.flag("required", required || notBlank)
	if c != selectControl {
		numeric := typ == "number"
		textual := !numeric && f.Kind() == reflect.String
		if p, ok := f.Rule("len"); ok && textual {
			a.str("minlength", p)
			a.str("maxlength", p)
		}
		for _, r := range [...][3]string{{"min", "min", "minlength"}, {"gte", "min", "minlength"},
			{"max", "max", "maxlength"}, {"lte", "max", "maxlength"}} {
			p, ok := f.Rule(r[0])
			switch {
			case !ok:
			case numeric:
				a.str(r[1], p)
			case textual:
				a.str(r[2], p)
			}
		}
	}
}

// isSlice reports whether f is a slice, such as Tags []string, whose own
// rules count its values: the max=3 of "max=3,dive,max=20" allows three
// tags, not three characters in each. The rules after dive, which apply
// to each value, are not among f's rules, so a slice's inputs get none.
// The fields of a repeated struct, such as items.0.qty, are not slices.
func isSlice(f actions.Field) bool {
	return strings.HasPrefix(strings.TrimLeft(f.Type, "*"), "[]")
}

func inputType(f actions.Field) string {
	switch {
	case f.Sensitive:
		return "password"
	case f.File:
		return "file"
	}
	if _, ok := f.Rule("email"); ok {
		return "email"
	}
	if _, ok := f.Rule("url"); ok {
		return "url"
	}
	switch k := f.Kind(); {
	case k == reflect.Bool:
		return "checkbox"
	case k >= reflect.Int && k <= reflect.Float64:
		return "number"
	case f.Type == "time.Time" || f.Type == "*time.Time":
		return "date"
	}
	return "text"
}
