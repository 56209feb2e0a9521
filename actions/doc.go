// Package actions defines typed server actions: Go functions that a form,
// an htmx request, a JSON client or other Go code can call, each through
// the same five seams.
//
// # The five seams
//
// Every call runs, in order:
//
//  1. parse: the body is decoded into the action's input struct (forms with
//     gorilla/schema, JSON with encoding/json) and validated with
//     go-playground/validator. Decode and validation errors share one key
//     space: the form's field names, such as "items.0.qty".
//  2. authorize: the action's policy sees the [Principal] and the input
//     before anything is read or written.
//  3. mutate: the action's function runs, to its end even if the client
//     goes away (its context keeps the request's values and deadline, not
//     its cancellation). It may return field errors of its
//     own with [Invalid], set a redirect with [Redirect], a message with
//     [SetMessage], cookies with [SetCookie], and record tags and paths to
//     revalidate with [RevalidateTag] and [RevalidatePath].
//  4. revalidate: the recorded tags and paths reach the registry's
//     [Revalidator], only when the mutation succeeded.
//  5. return: the caller gets a [Result] (over HTTP) or the output and an
//     error (from [Action.Call]).
//
// Over HTTP, a policy that needs no input ([SignedIn], [RequireRole])
// runs before parse: as soon as the body has named its action (the form's
// first field, or the ID in the URL) and, for a form, the form that sent
// it (its second field), and before a byte more is read. A caller it
// refuses gets 401 or 403 without the body's bulk read or parsed, and
// learns nothing of the action's fields, not even whether its input was
// valid. A policy that needs the input ([Authorize]) runs in seam 2.
//
// # Registries and IDs
//
// Actions are registered on a [Registry], a value with no package-level
// state, so two apps can share a process. On the wire an action is known
// only by its ID: an HMAC of its name under the app's secret, stable across
// restarts and instances and unguessable without the secret. The secret
// lives in a [keyring.Ring], given in [Config].
//
// # Bound arguments
//
// Values fixed at render time (the ID of the project an Archive button acts
// on) travel in a hidden field sealed with AES-GCM under the key ring's
// [keyring.PurposeBound] key and bound to the action ID. See [Bound] and
// [Handler.Seal].
//
// # Errors and results
//
// [Error] is the one error type: a [Kind] and words safe to show. Over
// HTTP a call ends in a [Result]; [ErrorResult] is the one conversion from
// an error to a Result, for code outside an action call (a page that fails
// to load, a route handler) to answer the way actions do.
package actions
