// Package server is the HTTP side of formwork: page routes whose forms post
// back to them, the action endpoint, and the middleware every request goes
// through.
//
// # Pages
//
// [Server.Page] registers a page: GET renders it, and POST runs the action
// its form names and renders the same page with the [actions.Result]. The
// page is rendered by one function; what leaves depends on who called:
//
//   - a plain browser gets a 303 after success (with the action's message
//     as a one-time flash), or the whole page with the errors shown, which
//     it may keep privately (Cache-Control: private, no-cache), so that
//     Back to it shows it rather than "Confirm Form Resubmission";
//   - htmx (the HX-Request header) gets, after a views.Form's success or
//     conflict, the whole page rendered after the mutation, with
//     HX-Retarget: body and an HX-Reswap that morphs it into the body (see
//     "Never stale" below), or HX-Location / HX-Redirect when the action
//     redirects; after another error,
//     the form's fragment, cut from the same render, with the page's
//     views.Notice replaced out of band; a form from an older deploy gets
//     the whole page, morphed, as after success;
//   - a JSON client (Accept prefers application/json) gets the Result as JSON.
//
// Callers that are not a page post to /_actions/{id}.
//
// # Never stale
//
// After an htmx action succeeds, every part of the page reads as a fresh
// load would show it (the header with the user's new name, a summary card,
// a list), and the page author lists nothing. The server renders the
// whole page once, after the mutation and with the principal as
// [Config.Authenticate] finds it then, and asks htmx to morph it into the
// body: htmx 4 with its own outerMorph (it sends HX-Request-Type), htmx 2
// with idiomorph's morph extension (static.Idiomorph, and
// hx-ext="morph" on the body). A morph keeps every element that is still
// there, so focus stays, and formwork.js (static.JS) keeps what the user
// is typing in other forms and resets the form that was sent. An htmx 2
// page without the extension gets the body's inner HTML swapped instead:
// still never stale. A hand-written hx-post, which sends no _form field,
// gets the fragment its HX-Target names, with the [views.Notice] out of
// band, as after an error. The whole page costs about the fragment's
// server time, since templ renders the whole tree either way, and more
// bytes: BenchmarkRefresh in the demo measures both.
//
// Nothing happens silently: when no form on the page shows a result (the
// form is gone: the row it archived, a form this user no longer sees), the
// page renders again with the result in its views.Notice, the one message
// slot; under htmx an error then keeps the form as the user left it.
//
// A GET of a page answers HTML to every caller (JSON belongs to route
// handlers):
//
//   - a browser gets the whole page, with the one-time flash after a
//     redirect;
//   - htmx gets the fragment its HX-Target names when the page has one (a
//     form's DOM id, or a views.Region), and otherwise the whole page, so
//     that hx-select and hx-target work as they do on any server.
//
// # Route handlers
//
// [Server.Route] serves everything that is not a form on one of the app's
// pages: public JSON, a mobile client, a webhook, a stream. A [Route] holds
// one [HandlerFunc] per method and answers HEAD (GET's answer without a
// body), OPTIONS (204 with Allow, and the CORS preflight of [Route.CORS])
// and other methods (405 with a sorted Allow) itself. A handler returns an
// error rather than writing one: it is answered as an RFC 9457 [Problem],
// its kind picking the status from the same table as actions.
//
// A route's input goes through an action's seams: [Decoded] checks the
// same [actions.Policy] value an action takes (a session or a bearer
// token, see [BearerToken], give the same principal), then decodes and
// validates the body with the actions' own decoder and validator
// ([Server.Decode]: JSON with unknown fields and trailing data refused, or
// a form), so a 422 names the same field keys a form shows; [Guard] guards
// a method with no input. Every body is capped ([Route.MaxBytes], 413) and
// charged to the server's body budget; [Server.ReadBody] gives the raw bytes.
//
// Answers: [JSON]; [Cached] and [NotModified] (a strong ETag, 304 for
// If-None-Match, and If-Modified-Since with [LastModified]); [CachePublic]
// (public, s-maxage, stale-while-revalidate), [CachePrivate] and
// [CacheNone] (a route answers a signed-in caller privately, whatever the
// handler said); [Negotiate] (with Vary); [Server.Redirect] (303 after a
// form, 307 or 308 otherwise, same-origin unless allowlisted); [PathInt64]
// (404 for an ID that is not one).
//
// The examples (ExampleDecoded, ExampleRoute_CORS, ExampleServer_Route,
// ExampleServer_Webhook, ExampleEvents, ExampleNewStream) run as tests,
// and show on pkg.go.dev beside what they use.
//
// A handler streams what is meant to stream: [NewStream] sends a body in
// pieces, each flushed as it is written, and [Events] answers with
// Server-Sent Events (an id, event, data and retry per [Event], a flush
// per event, a heartbeat comment while idle). A stream ends when its
// client goes away, on the handler's own goroutine: no goroutine is left
// behind, and none is started.
//
// # Webhooks
//
// [Server.Webhook] is a route for a webhook's deliveries. It reads the raw
// body (capped, 413 over the cap), and a [WebhookVerifier] checks its
// signature over those bytes before anything parses them:
// [NewStripeVerifier] (Stripe-Signature) or [NewStandardWebhooksVerifier] (webhook-id,
// webhook-timestamp, webhook-signature), each HMAC-SHA256 compared in
// constant time, with several secrets during a rotation and a timestamp
// within five minutes either way. A delivery that fails is a 400 problem
// that says why, and the app's handle never sees it. The handle records
// the event's ID in the transaction of its effect and returns
// [ErrDuplicateEvent] for one it saw before: a redelivery is acknowledged
// (200) and processed once. The route takes requests from any origin: a
// signature, not an origin, is a sender's proof.
//
// # Mounting in any router
//
// A [Server] is an [http.Handler] that routes its pages and the action
// endpoint behind all of its middleware. Each piece also stands alone, so
// formwork mounts in any router (http.ServeMux, chi, ...):
//
//   - [Server.PageHandler] and [Server.ActionHandler] are the handlers;
//   - [Server.LogRequests], [Server.RecoverPanics], [Server.CrossOrigin]
//     and [Server.Authenticate] are plain func(http.Handler) http.Handler
//     middleware, and [Server.Middleware] is all four in order;
//   - [Server.CheckCrossOrigin] is the cross-origin check alone.
//
// The bodies of action calls in flight share one memory budget
// (Config.BodyBudget, 64 MB by default): a call is charged 64 KB before a
// byte of its body is read, then twice the bytes as they arrive, and a
// call that cannot get its charge soon is answered 503 with Retry-After,
// its action never run. A flood of large or slow bodies then costs bounded
// memory, and pages keep answering; about a thousand slow bodies at once
// (the budget over 64 KB) still hold every action off, until the server's
// ReadTimeout ends them.
//
// A client that goes away, or whose body stops short, is answered 400 where
// an answer can still be written, and logged as client_gone: never a 500.
//
// # Safety
//
// Unsafe requests from other origins are refused with 403 by
// [http.CrossOriginProtection] (Origin: null included). Redirect targets are
// same-origin paths, or absolute URLs whose origin is on an allowlist;
// nothing is derived from Host. Internal errors reach users as a digest that
// the log line carries too; development mode shows the detail. Responses are
// rendered to a buffer first: half a response is never written.
//
// # Running
//
// [NewHTTPServer] sets timeouts, and [Run] serves until its context ends,
// then lets requests in flight finish.
package server
