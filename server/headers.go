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
	headerBackable   = []string{"private, no-cache"} // see backable
	headerHTML       = []string{"text/html; charset=utf-8"}
	headerJSON       = []string{"application/json"}
	headerVaryHX     = []string{"HX-Request"}
	headerVaryCaller = []string{"HX-Request, Accept"} // who calls an action decides the response's shape
)

// The headers that morph the whole page into the body after an action
// (see morphPage).
var (
	headerBody       = []string{"body"}
	headerOuterMorph = []string{"outerMorph"}      // htmx 4
	headerMorphInner = []string{"morph:innerHTML"} // htmx 2 with idiomorph
)
