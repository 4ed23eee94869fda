package main

// JSON and YAML writing and JSON reading as Go does them, without a template
// in between, so that the goldens also carry the exact error messages (Helm's
// toYaml and toJson swallow them) and sigs.k8s.io/yaml's final newline.

import (
	"encoding/json"

	"sigs.k8s.io/yaml"
)

func init() {
	commands["json-read"] = jsonRead
	commands["json-write"] = jsonWrite
	commands["yaml-write"] = yamlWrite
}

// json-read: json.Unmarshal of `json` into an interface{}.
func jsonRead(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		JSON string `json:"json"`
	}
	decodeCase(raw, &c)
	var v interface{}
	if err := json.Unmarshal([]byte(c.JSON), &v); err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"value": encode(v)}
}

// json-write: json.Marshal of the typed `value`.
func jsonWrite(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Value json.RawMessage `json:"value"`
	}
	decodeCase(raw, &c)
	out, err := json.Marshal(decode(c.Value))
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"output": string(out)}
}

// yaml-write: sigs.k8s.io/yaml.Marshal of the typed `value`.
func yamlWrite(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Value json.RawMessage `json:"value"`
	}
	decodeCase(raw, &c)
	out, err := yaml.Marshal(decode(c.Value))
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"output": string(out)}
}
