package main

// Rendered manifests as Helm's releaseutil sees them: `manifests` splits a
// YAML stream into documents (SplitManifests), sorts rendered files into
// hooks and plain manifests by kind (SortManifests with InstallOrder or
// UninstallOrder), and separates the manifests an uninstall keeps
// (`helm.sh/resource-policy`, as pkg/action's filterManifestsToKeep, which
// is unexported and so restated here line for line).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"strings"

	"helm.sh/helm/v3/pkg/releaseutil"
)

func init() {
	commands["manifests"] = manifestsCase
}

type manifestsInput struct {
	// Mode is `sort` (default), `split` or `keep`.
	Mode string `json:"mode"`
	// Files are rendered templates, path -> text (`sort`, `keep`).
	Files map[string]string `json:"files"`
	// Ordering is `install` (default) or `uninstall`.
	Ordering string `json:"ordering"`
	// Manifest is one YAML stream (`split`; for `keep` it is split first,
	// as an uninstall does with the release's manifest).
	Manifest string `json:"manifest"`
}

func manifestsCase(_ string, raw json.RawMessage) map[string]interface{} {
	var c manifestsInput
	decodeCase(raw, &c)
	// SortManifests logs skipped unknown hooks; keep stderr quiet.
	log.SetOutput(io.Discard)

	order := releaseutil.InstallOrder
	switch c.Ordering {
	case "", "install":
	case "uninstall":
		order = releaseutil.UninstallOrder
	default:
		fail(fmt.Errorf("manifests: unknown ordering %q", c.Ordering))
	}

	switch c.Mode {
	case "split":
		docs := releaseutil.SplitManifests(c.Manifest)
		out := make([]interface{}, 0, len(docs))
		for i := 0; i < len(docs); i++ {
			out = append(out, docs[fmt.Sprintf("manifest-%d", i)])
		}
		return map[string]interface{}{"docs": out}
	case "", "sort":
		hooks, manifests, err := releaseutil.SortManifests(c.Files, nil, order)
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		return map[string]interface{}{"hooks": hooksJSON(hooks), "manifests": manifestsJSON(manifests)}
	case "keep":
		files := releaseutil.SplitManifests(c.Manifest)
		_, manifests, err := releaseutil.SortManifests(files, nil, order)
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		keep, remaining := filterManifestsToKeep(manifests)
		return map[string]interface{}{"keep": manifestsJSON(keep), "remaining": manifestsJSON(remaining)}
	}
	fail(fmt.Errorf("manifests: unknown mode %q", c.Mode))
	return nil
}

func hooksJSON(hooks interface{}) interface{} {
	// release.Hook already has Helm's JSON names; a round trip keeps them.
	b, err := json.Marshal(hooks)
	if err != nil {
		fail(err)
	}
	// UseNumber keeps int weights exact (no float64 detour).
	var out interface{}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		fail(err)
	}
	if out == nil {
		return []interface{}{}
	}
	return out
}

func manifestsJSON(ms []releaseutil.Manifest) []interface{} {
	out := make([]interface{}, 0, len(ms))
	for _, m := range ms {
		head := map[string]interface{}{"apiVersion": m.Head.Version, "kind": m.Head.Kind}
		if m.Head.Metadata != nil {
			md := map[string]interface{}{"name": m.Head.Metadata.Name}
			if m.Head.Metadata.Annotations != nil {
				md["annotations"] = m.Head.Metadata.Annotations
			}
			head["metadata"] = md
		}
		out = append(out, map[string]interface{}{"name": m.Name, "content": m.Content, "head": head})
	}
	return out
}

// filterManifestsToKeep is pkg/action's (unexported) function: a manifest
// whose resource-policy annotation is neither absent nor `keep` lands in
// neither list, as in Helm.
func filterManifestsToKeep(manifests []releaseutil.Manifest) (keep, remaining []releaseutil.Manifest) {
	for _, m := range manifests {
		if m.Head.Metadata == nil || m.Head.Metadata.Annotations == nil || len(m.Head.Metadata.Annotations) == 0 {
			remaining = append(remaining, m)
			continue
		}
		policy, ok := m.Head.Metadata.Annotations["helm.sh/resource-policy"]
		if !ok {
			remaining = append(remaining, m)
			continue
		}
		if strings.ToLower(strings.TrimSpace(policy)) == "keep" {
			keep = append(keep, m)
		}
	}
	return keep, remaining
}
