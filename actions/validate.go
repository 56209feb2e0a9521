package actions

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// Validate validates v (a struct or a pointer to one) with the registry's
// validator. It returns nil or an *[Error] of kind [KindInvalid] whose
// Fields are keyed by form field name, such as "items.0.qty".
func (r *Registry) Validate(v any) error {
	err := r.validate.Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return &Error{Kind: KindInternal, Err: fmt.Errorf("validate: %w", err)}
	}
	fields := make(map[string]string, len(ves))
	for _, fe := range ves {
		key := namespaceKey(fe.Namespace())
		if _, seen := fields[key]; seen {
			continue
		}
		if msg, ok := r.messages[fe.Tag()]; ok {
			fields[key] = msg
		} else {
			fields[key] = validationMessage(fe)
		}
	}
	return &Error{Kind: KindInvalid, Fields: fields}
}

// validatorName names struct fields for the validator as forms do, so that
// its errors are keyed by form field name.
func validatorName(f reflect.StructField) string {
	if n := formName(f); n != "" {
		return n
	}
	return "-"
}

// namespaceKey turns the validator's "In.items[0].qty" into "items.0.qty".
func namespaceKey(ns string) string {
	_, ns, _ = strings.Cut(ns, ".")
	ns = strings.ReplaceAll(ns, "]", "")
	return strings.ReplaceAll(ns, "[", ".")
}

// validationMessage is formwork's own words for a broken rule.
func validationMessage(fe validator.FieldError) string {
	p := fe.Param()
	switch fe.Tag() {
	case "required", "required_if", "required_unless", "required_with", "required_without", "notblank":
		return "This field is required."
	case "email":
		return "Enter a valid email address."
	case "url", "http_url", "uri":
		return "Enter a valid URL."
	case "oneof":
		return "Choose one of: " + strings.Join(strings.Fields(p), ", ") + "."
	case "eqfield":
		return "This must match " + p + "."
	case "min", "gte":
		return sizeMessage(fe.Kind(), "at least", p)
	case "max", "lte":
		return sizeMessage(fe.Kind(), "at most", p)
	case "gt":
		return "This must be more than " + p + "."
	case "lt":
		return "This must be less than " + p + "."
	case "len":
		if fe.Kind() == reflect.String {
			return "Use exactly " + p + plural(p, " character.", " characters.")
		}
		return "This must have exactly " + p + plural(p, " item.", " items.")
	}
	return fmt.Sprintf("This value breaks the %q rule.", fe.Tag())
}

// sizeMessage words a bound on a string's length, a list's size or a
// number's value.
func sizeMessage(k reflect.Kind, bound, p string) string {
	switch k {
	case reflect.String:
		return "Use " + bound + " " + p + plural(p, " character.", " characters.")
	case reflect.Slice, reflect.Map:
		return "Add " + bound + " " + p + plural(p, " item.", " items.")
	}
	return "This must be " + bound + " " + p + "."
}

// plural is one when the count n is "1", and many otherwise.
func plural(n, one, many string) string {
	if n == "1" {
		return one
	}
	return many
}

// conversionMessage is the field error of a value that does not convert to
// the field's type.
func conversionMessage(t reflect.Type) string {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice) {
		t = t.Elem()
	}
	switch {
	case t == nil:
	case t == timeType:
		return "Enter a valid date."
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "Enter a whole number."
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "Enter a number."
	case t.Kind() == reflect.Bool:
		return "Choose yes or no."
	}
	return "This value is not valid."
}

// notBlank is the "notblank" rule, which every registry's validator has:
// a string must hold more than spaces, as "required" alone lets "   "
// through. On other kinds it is "required".
func notBlank(fl validator.FieldLevel) bool {
	f := fl.Field()
	if f.Kind() == reflect.String {
		return strings.TrimSpace(f.String()) != ""
	}
	return !f.IsZero()
}
