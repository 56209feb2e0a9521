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
// with htmx 2 or 4 (hx-post to the page). Each form is a templ fragment
// named by its DOM id, so the server renders the page once and cuts the
// form out of it for htmx after an error; after a success it sends the
// whole page, which htmx morphs into the body, so that nothing on it is
// stale. A page for htmx loads, from package static, htmx, formwork.js and,
// for htmx 2 only, idiomorph, whose morph the body turns on (htmx 4
// morphs by itself); [HTMXConfig] makes htmx 2 swap the 422 of an invalid
// submit:
//
//	<head>
//		@views.HTMXConfig()
//		<script src={ files.URL(static.HTMX2) } defer></script>
//		<script src={ files.URL(static.Idiomorph) } defer></script>
//		<script src={ files.URL(static.JS) } defer></script>
//	</head>
//	<body hx-ext="morph">
//
// formwork.js marks a sending form's buttons busy, and keeps focus and what
// the user is typing in other forms across the morph.
//
// [Notice] is the page's one message slot: the flash after a redirect,
// and the outcome of a submit whose form is not on the page.
//
// [Check] and [CheckHTML] verify, in a test, that every field a page's forms
// send decodes into the action's input.
package views
