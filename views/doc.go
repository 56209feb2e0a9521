// Package views renders forms for formwork actions with templ.
//
// A form is rendered for an action and its last [actions.Result]:
//
//	@views.Form(createInvoice, res, views.FormOptions{}) {
//		@views.Input("customer", "Customer")
//		@views.Input("email", "Email")
//		@views.Submit("Create invoice", "Creating…")
//	}
//
// The form's first field is the action ID, followed by its sealed bound
// arguments. Inputs take their type and constraint attributes (required,
// maxlength, min, max, type=email) from the input struct's validate tags,
// keep their values after an invalid submit (never a sensitive field's),
// and show their errors with aria-invalid and aria-describedby.
//
// The same form works with JavaScript off (a plain POST to the page) and
// with htmx 2 or 4 (hx-post to the page, the response swapped in place).
// Each form is a templ fragment named by its DOM id, so the server renders
// the page once and cuts the form out of it for htmx. Put [HTMXConfig] in
// the page head so that htmx 2 swaps the 422 that an invalid submit gets.
//
// [Notice] is the page's one message slot: the flash after a redirect,
// and the outcome of a submit whose form is not on the page.
//
// [Check] and [CheckHTML] verify, in a test, that every field a page's forms
// send decodes into the action's input.
package views
