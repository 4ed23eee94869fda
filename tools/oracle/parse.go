// The parse command: what Go's text/template parser makes of a template,
// printed back as Go prints a parse tree, or the parse error's text.
package main

import (
	"encoding/json"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

func init() {
	commands["parse"] = parseCase
}

// helmFuncNames is a FuncMap with the names of Helm's functions. Only the
// names matter to the parser, so Helm's own extras are dummies.
func helmFuncNames() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	for _, name := range []string{"toToml", "fromToml", "toYaml", "toYamlPretty", "fromYaml", "fromYamlArray",
		"toJson", "fromJson", "fromJsonArray", "include", "tpl", "required", "lookup"} {
		f[name] = func(...interface{}) string { return "" }
	}
	return f
}

func parseCase(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Template string   `json:"template"`
		Delims   []string `json:"delims"`
	}
	decodeCase(raw, &c)
	t := template.New("t")
	if len(c.Delims) == 2 {
		t.Delims(c.Delims[0], c.Delims[1])
	}
	t, err := t.Funcs(helmFuncNames()).Parse(c.Template)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	trees := map[string]interface{}{}
	for _, tmpl := range t.Templates() {
		if tmpl.Tree != nil && tmpl.Tree.Root != nil {
			trees[tmpl.Name()] = tmpl.Tree.Root.String()
		}
	}
	return map[string]interface{}{"trees": trees}
}
