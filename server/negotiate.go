package server

import (
	"net/http"
	"strings"
)

// Negotiate returns the one of offers (media types such as
// "application/json" or "text/csv") that r's Accept header prefers, and
// adds Accept to w's Vary, for the answer depends on it. An offer's quality
// is that of the most specific range that matches it (RFC 9110 12.5.1);
// the highest wins, and a tie goes to the earlier offer. With no Accept
// header, or one that accepts none of the offers, it returns offers[0]: the
// answer comes in the default format rather than as a 406. It panics with
// no offers.
func Negotiate(w http.ResponseWriter, r *http.Request, offers ...string) string {
	w.Header().Add("Vary", "Accept")
	accept := r.Header.Values("Accept")
	if len(accept) == 0 {
		return offers[0]
	}
	ranges := parseAccept(accept)
	best, bestQ := offers[0], 0.0
	for _, offer := range offers {
		if q := rank(ranges, offer); q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best
}

// mediaRange is one range of an Accept header.
type mediaRange struct {
	typ, sub string
	q        float64
}

// maxRanges bounds the ranges read from an Accept header: a hostile one
// may hold a million.
const maxRanges = 32

func parseAccept(values []string) []mediaRange {
	var out []mediaRange
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			if len(out) == maxRanges {
				return out
			}
			mt, params, _ := strings.Cut(item, ";")
			typ, sub, ok := strings.Cut(strings.ToLower(strings.TrimSpace(mt)), "/")
			if ok {
				out = append(out, mediaRange{typ: typ, sub: sub, q: quality(params)})
			}
		}
	}
	return out
}

// rank is the quality ranges give offer: that of the most specific
// range that matches it, or 0.
func rank(ranges []mediaRange, offer string) float64 {
	typ, sub, _ := strings.Cut(strings.ToLower(offer), "/")
	q, specificity := 0.0, -1
	for _, mr := range ranges {
		s := -1
		switch {
		case mr.typ == typ && mr.sub == sub:
			s = 2
		case mr.typ == typ && mr.sub == "*":
			s = 1
		case mr.typ == "*" && mr.sub == "*":
			s = 0
		}
		if s > specificity {
			q, specificity = mr.q, s
		}
	}
	return q
}
