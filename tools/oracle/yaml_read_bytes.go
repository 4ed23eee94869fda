package main

// yaml-read-bytes: yaml-read with the document given as base64, so that
// cases can hold bytes a JSON string cannot carry (invalid UTF-8).

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/yaml"
)

func init() {
	commands["yaml-read-bytes"] = yamlReadBytes
}

func yamlReadBytes(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		YAMLBase64 string `json:"yaml_base64"`
		Mode       string `json:"mode"`
	}
	decodeCase(raw, &c)
	data, err := base64.StdEncoding.DecodeString(c.YAMLBase64)
	if err != nil {
		fail(fmt.Errorf("yaml-read-bytes: %w", err))
	}
	switch c.Mode {
	case "", "values":
		v, err := chartutil.ReadValues(data)
		return result(map[string]interface{}(v), err)
	case "fromYaml":
		m := map[string]interface{}{}
		err := yaml.Unmarshal(data, &m)
		return result(m, err)
	case "fromYamlArray":
		a := []interface{}{}
		err := yaml.Unmarshal(data, &a)
		return result(a, err)
	}
	fail(fmt.Errorf("yaml-read-bytes: unknown mode %q", c.Mode))
	return nil
}
