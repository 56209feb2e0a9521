package app

import (
	"fmt"
	"strings"
)

// parseCents reads an amount such as "1,250.50" as cents.
func parseCents(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 10 {
		return 0, false
	}
	var cents int64
	for _, r := range whole + (frac + "00")[:2] {
		if r < '0' || r > '9' {
			return 0, false
		}
		cents = cents*10 + int64(r-'0')
	}
	return cents, cents > 0
}

// formatCents writes cents as "1,250.50".
func formatCents(c int64) string {
	whole := fmt.Sprint(c / 100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s.%02d", b.String(), c%100)
}
