package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/alexedwards/scs/v2"

	"github.com/formwork-dev/formwork/examples/invoices/sessionstore"
)

// openSessions opens the session store that -sessions names, and returns
// it with what closes it: nil for "sqlite", which the app keeps in its own
// database, or a store that instances share.
func openSessions(ctx context.Context, o options) (scs.Store, func() error, error) {
	var s *sessionstore.Store
	var err error
	switch o.sessions {
	case "sqlite":
		return nil, func() error { return nil }, nil
	case "postgres":
		if o.postgresURL == "" {
			return nil, nil, errors.New("-sessions postgres needs -postgres-url (POSTGRES_URL)")
		}
		s, err = sessionstore.Postgres(ctx, o.postgresURL)
	default:
		return nil, nil, fmt.Errorf(`-sessions %q: want "sqlite", "redis" or "postgres"`, o.sessions) // redis: see app.OnRedis
	}
	if err != nil {
		return nil, nil, err
	}
	return s, s.Close, nil
}

// parsePrefixes parses a comma-separated list of addresses, such as
// 127.0.0.1, and prefixes, such as 10.0.0.0/8.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var prefixes []netip.Prefix
	for s := range strings.SplitSeq(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			prefixes = append(prefixes, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxy: %q is neither an address nor a prefix", s)
		}
		prefixes = append(prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return prefixes, nil
}
