package server

// Header values that nearly every response carries, shared rather than
// allocated per response. Header().Set allocates a one-element slice on
// each call: in the round-trip benchmark (make bench) those were 5 of the
// 130 allocations of a 303 and 6 of the 188 of a 422 page, about 2% of
// their time. Each slice has capacity one, so that an Add elsewhere copies
// it instead of writing into the shared array. Never append to them in
// place.
var (
	headerNoStore    = []string{"no-store"}
	headerBackable   = []string{"private, no-cache"} // see keepForBack
	headerHTML       = []string{"text/html; charset=utf-8"}
	headerJSON       = []string{"application/json"}
	headerVaryHX     = []string{"HX-Request"}
	headerVaryCaller = []string{"HX-Request, Accept"} // who calls an action decides the response's shape
)

// The htmx response headers that say where and how an answer is swapped,
// and the values formwork gives them: the whole page morphed into the body
// (see morphPage), or nothing swapped at all. The keys are canonical, as
// the header map holds them.
const (
	headerKeyRetarget = "Hx-Retarget"
	headerKeyReswap   = "Hx-Reswap"
)

var (
	headerBody       = []string{"body"}
	headerOuterMorph = []string{"outerMorph"}      // htmx 4
	headerMorphInner = []string{"morph:innerHTML"} // htmx 2 with idiomorph
	headerNone       = []string{"none"}
)

var headerProblem = []string{"application/problem+json"}
