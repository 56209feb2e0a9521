package actions

import (
	"encoding/json"
	"io"
)

// ManifestEntry describes one registered action.
type ManifestEntry struct {
	Name     string   `json:"name"`
	ID       string   `json:"id"`
	Aliases  []string `json:"aliases,omitempty"`
	Policy   string   `json:"policy"`
	MaxBytes int64    `json:"max_bytes"`
	Input    string   `json:"input"`
	Fields   []Field  `json:"fields"`
}

// Manifest lists the registered actions in registration order, for audits
// and for tests that pin what the app exposes.
func (r *Registry) Manifest() []ManifestEntry {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]ManifestEntry, 0, len(r.ordered))
	for _, c := range r.ordered {
		out = append(out, ManifestEntry{Name: c.name, ID: c.id, Aliases: c.opts.aliases,
			Policy: c.opts.policyName, MaxBytes: c.limit, Input: c.inType.String(), Fields: c.fields})
	}
	return out
}

// WriteManifest writes [Registry.Manifest] to w as indented JSON.
func (r *Registry) WriteManifest(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.Manifest())
}
