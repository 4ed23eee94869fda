// semver-detail: Masterminds versions and constraints in more depth than
// `semver`: strict parsing, the original text, ordering, and Validate's reasons.
package main

import (
	"encoding/json"

	"github.com/Masterminds/semver/v3"
)

func init() { commands["semver-detail"] = semverDetail }

func semverDetail(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Constraint *string  `json:"constraint"`
		Versions   []string `json:"versions"`
	}
	decodeCase(raw, &c)
	out := map[string]interface{}{}
	versions := []interface{}{}
	parsed := []*semver.Version{}
	for _, s := range c.Versions {
		r := map[string]interface{}{}
		if v, err := semver.StrictNewVersion(s); err != nil {
			r["strict_error"] = err.Error()
		} else {
			r["strict"] = v.String()
		}
		v, err := semver.NewVersion(s)
		if err != nil {
			r["error"] = err.Error()
		} else {
			r["version"] = v.String()
			r["original"] = v.Original()
		}
		versions = append(versions, r)
		parsed = append(parsed, v)
	}
	out["versions"] = versions
	// compare[i] is Compare(versions[i], versions[i+1]) where both parse.
	compare := []interface{}{}
	for i := 0; i+1 < len(parsed); i++ {
		if parsed[i] == nil || parsed[i+1] == nil {
			compare = append(compare, nil)
			continue
		}
		compare = append(compare, parsed[i].Compare(parsed[i+1]))
	}
	out["compare"] = compare
	if c.Constraint != nil {
		con, err := semver.NewConstraint(*c.Constraint)
		if err != nil {
			out["error"] = err.Error()
			return out
		}
		validate := []interface{}{}
		for _, v := range parsed {
			if v == nil {
				validate = append(validate, nil)
				continue
			}
			ok, errs := con.Validate(v)
			msgs := []string{}
			for _, e := range errs {
				msgs = append(msgs, e.Error())
			}
			validate = append(validate, map[string]interface{}{"ok": ok, "errors": msgs})
		}
		out["validate"] = validate
		out["constraint"] = con.String()
	}
	return out
}
