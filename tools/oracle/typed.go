package main

// The typed value encoding: how Go values travel through JSON with their
// types kept. See README.md.

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"helm.sh/helm/v3/pkg/chartutil"
)

// encode turns a Go value into its typed JSON form.
func encode(v interface{}) interface{} {
	switch t := v.(type) {
	case nil:
		return nil
	case bool:
		return t
	case string:
		return t
	case int:
		return map[string]interface{}{"int": strconv.FormatInt(int64(t), 10)}
	case int64:
		return map[string]interface{}{"int64": strconv.FormatInt(t, 10)}
	case float64:
		return map[string]interface{}{"float64": formatFloat(t)}
	case []interface{}:
		out := make([]interface{}, 0, len(t))
		for _, e := range t {
			out = append(out, encode(e))
		}
		return out
	case map[string]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, e := range t {
			m[k] = encode(e)
		}
		return map[string]interface{}{"map": m}
	case chartutil.Values:
		return encode(map[string]interface{}(t))
	}
	return map[string]interface{}{"go": fmt.Sprintf("%T", v), "v": fmt.Sprintf("%v", v)}
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// decode turns typed JSON back into a Go value.
func decode(raw json.RawMessage) interface{} {
	var v interface{}
	if err := json.Unmarshal(raw, &v); err != nil {
		fail(err)
	}
	return fromTyped(v)
}

func fromTyped(v interface{}) interface{} {
	switch t := v.(type) {
	case nil, bool, string:
		return t
	case []interface{}:
		out := make([]interface{}, 0, len(t))
		for _, e := range t {
			out = append(out, fromTyped(e))
		}
		return out
	case map[string]interface{}:
		if len(t) != 1 {
			fail(fmt.Errorf("typed value: an object must have exactly one key: %v", t))
		}
		keys := make([]string, 0, 1)
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		k := keys[0]
		switch k {
		case "map":
			m, ok := t[k].(map[string]interface{})
			if !ok {
				fail(fmt.Errorf("typed value: map must hold an object"))
			}
			out := make(map[string]interface{}, len(m))
			for mk, mv := range m {
				out[mk] = fromTyped(mv)
			}
			return out
		case "int", "int64", "float64":
			s, ok := t[k].(string)
			if !ok {
				fail(fmt.Errorf("typed value: %s must hold a string", k))
			}
			switch k {
			case "int":
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					fail(err)
				}
				return int(n)
			case "int64":
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					fail(err)
				}
				return n
			default:
				f, err := strconv.ParseFloat(s, 64)
				if err != nil {
					fail(err)
				}
				return f
			}
		}
		fail(fmt.Errorf("typed value: unknown tag %q", k))
	case float64:
		fail(fmt.Errorf("typed value: bare JSON numbers are not allowed; tag them"))
	}
	fail(fmt.Errorf("typed value: cannot decode %v", v))
	return nil
}
