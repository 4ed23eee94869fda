// The gotemplate command: Go's text/template alone (only its builtins), with
// the missingkey option, typed data and a few fixed Go structs with fields and
// methods, so that the template language and Go's raw error texts can be
// checked apart from Helm. And bench-template: how long text/template takes to
// execute one template on given data.
package main

import (
	"encoding/json"
	"errors"
	"strings"
	"text/template"
	"time"
)

func init() {
	commands["gotemplate"] = goTemplateCase
	commands["bench-template"] = benchTemplateCase
}

// Person is a struct with fields of several kinds and methods with arguments.
type Person struct {
	Name   string
	Age    int
	Tags   []string
	Friend *Person
	Extra  interface{}
}

// Greet takes a string.
func (p Person) Greet(greeting string) string { return greeting + ", " + p.Name }

// Older has a pointer receiver and takes an int.
func (p *Person) Older(years int) int { return p.Age + years }

// Fail returns an error.
func (p Person) Fail() (string, error) { return "", errors.New("it failed") }

// Join is variadic.
func (p Person) Join(sep string, parts ...string) string { return strings.Join(parts, sep) }

// Ratio takes a float64.
func (p Person) Ratio(f float64) float64 { return float64(p.Age) * f }

// Adult returns a bool.
func (p Person) Adult() bool { return p.Age >= 18 }

// Wide takes an int64.
func (p Person) Wide(n int64) int64 { return n * 2 }

// Any takes an interface{}.
func (p Person) Any(v interface{}) interface{} { return v }

// KubeVersion is like Helm's: fields only.
type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

// VersionSet is like Helm's: a slice type with a method.
type VersionSet []string

// Has tells whether the set holds a version.
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// Caps is like Helm's Capabilities.
type Caps struct {
	APIVersions VersionSet
	KubeVersion KubeVersion
}

func fixture(name string) interface{} {
	switch name {
	case "person":
		return &Person{Name: "Ann", Age: 30, Tags: []string{"a", "b"}, Friend: &Person{Name: "Bob", Age: 25}}
	case "person_value":
		return Person{Name: "Cy", Age: 5}
	case "nil_person":
		return (*Person)(nil)
	case "caps":
		return Caps{APIVersions: VersionSet{"v1", "apps/v1"}, KubeVersion: KubeVersion{Version: "v1.30.0", Major: "1", Minor: "30"}}
	case "strings":
		return []string{"x", "y"}
	}
	fail(errors.New("unknown fixture " + name))
	return nil
}

// fromFixtures decodes typed JSON where {"fixture": NAME} stands for a fixed Go value.
func fromFixtures(v interface{}) interface{} {
	switch t := v.(type) {
	case []interface{}:
		out := make([]interface{}, 0, len(t))
		for _, e := range t {
			out = append(out, fromFixtures(e))
		}
		return out
	case map[string]interface{}:
		if name, ok := t["fixture"].(string); ok && len(t) == 1 {
			return fixture(name)
		}
		if m, ok := t["map"].(map[string]interface{}); ok && len(t) == 1 {
			out := make(map[string]interface{}, len(m))
			for k, e := range m {
				out[k] = fromFixtures(e)
			}
			return out
		}
	}
	return fromTyped(v)
}

type goTemplateInput struct {
	Template   string          `json:"template"`
	Files      []namedText     `json:"files"`
	Data       json.RawMessage `json:"data"`
	MissingKey string          `json:"missingkey"`
	Exec       string          `json:"exec"`
	Delims     []string        `json:"delims"`
}

type namedText struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

func (c goTemplateInput) build() (*template.Template, interface{}, error) {
	var data interface{}
	if len(c.Data) > 0 {
		var raw interface{}
		if err := json.Unmarshal(c.Data, &raw); err != nil {
			fail(err)
		}
		data = fromFixtures(raw)
	}
	t := template.New("t")
	if c.MissingKey != "" {
		t.Option("missingkey=" + c.MissingKey)
	}
	if len(c.Delims) == 2 {
		t.Delims(c.Delims[0], c.Delims[1])
	}
	if _, err := t.Parse(c.Template); err != nil {
		return nil, nil, err
	}
	for _, f := range c.Files {
		if _, err := t.New(f.Name).Parse(f.Text); err != nil {
			return nil, nil, err
		}
	}
	return t, data, nil
}

func goTemplateCase(_ string, raw json.RawMessage) map[string]interface{} {
	var c goTemplateInput
	decodeCase(raw, &c)
	t, data, err := c.build()
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	name := c.Exec
	if name == "" {
		name = "t"
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return map[string]interface{}{"error": err.Error(), "partial": b.String()}
	}
	return map[string]interface{}{"output": b.String()}
}

func benchTemplateCase(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		goTemplateInput
		Iterations int `json:"iterations"`
	}
	decodeCase(raw, &c)
	t, data, err := c.build()
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	name := c.Exec
	if name == "" {
		name = "t"
	}
	once := func() int {
		var b strings.Builder
		if err := t.ExecuteTemplate(&b, name, data); err != nil {
			fail(err)
		}
		return b.Len()
	}
	size := once()
	n := c.Iterations
	if n < 1 {
		n = 1
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		once()
	}
	elapsed := time.Since(start)
	return map[string]interface{}{"iterations": n, "ns_per_iter": elapsed.Nanoseconds() / int64(n), "output_bytes": size}
}
