package actions

import (
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// normalizeTimes reads one JSON value from dec and rewrites the strings
// that fill time.Time fields of t, in any of the layouts forms use, into
// RFC 3339, which encoding/json reads. A string that parses in no layout
// becomes null, and a field error keyed by its form name. It returns the
// rewritten JSON, and the field errors (nil for none).
func normalizeTimes(dec *json.Decoder, t reflect.Type) ([]byte, map[string]string, error) {
	dec.UseNumber() // numbers go back out exactly as they came
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, nil, err
		}
		return nil, nil, malformed("The JSON body has data after its object.")
	}
	var fields map[string]string
	v = rewriteTimes(v, t, "", func(name string) {
		if fields == nil {
			fields = map[string]string{}
		}
		fields[name] = conversionMessage(timeType)
	})
	raw, err := json.Marshal(v)
	return raw, fields, err
}

// rewriteTimes walks v, decoded JSON, along type t; prefix is the form name
// of v, and bad is told the form name of each date that does not parse.
func rewriteTimes(v any, t reflect.Type, prefix string, bad func(string)) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		s, ok := v.(string)
		if !ok {
			return v // a type error, which encoding/json names
		}
		if tm, ok := parseTime(s); ok {
			return tm.Format(time.RFC3339Nano)
		}
		bad(prefix)
		return nil
	case t.Kind() == reflect.Slice:
		list, _ := v.([]any)
		for i, e := range list {
			list[i] = rewriteTimes(e, t.Elem(), joinName(prefix, strconv.Itoa(i)), bad)
		}
	case t.Kind() == reflect.Struct:
		obj, _ := v.(map[string]any)
		for key, e := range obj {
			if sf, ok := jsonField(t, key); ok {
				obj[key] = rewriteTimes(e, sf.Type, joinName(prefix, formName(sf)), bad)
			}
		}
	}
	return v
}

// jsonField finds the struct field that encoding/json fills from key: an
// exact match of its JSON name first, then one that differs only in case.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	var fold reflect.StructField
	found := false
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if name == key {
			return sf, true
		}
		if !found && strings.EqualFold(name, key) {
			fold, found = sf, true
		}
	}
	return fold, found
}

func joinName(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// parseTime parses a date or time in any of the layouts forms send.
func parseTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
