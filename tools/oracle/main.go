// The Helm oracle: prints real Helm's results as JSON, so that helm-api's
// conformance tests can compare against Helm itself.
//
// Usage:
//
//	oracle batch DIR < cases.json > expected.json
//	oracle bench-load CHART.tgz ITERATIONS
//
// cases.json is {"command": NAME, "cases": [CASE, ...]}; the output is a JSON
// array with one result per case, in order, each carrying the case's name.
// Relative chart paths in cases are taken from DIR. The typed value encoding
// used for Go values is described in README.md beside this file.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/Masterminds/semver/v3"
)

type batch struct {
	Command string            `json:"command"`
	Cases   []json.RawMessage `json:"cases"`
}

type handler func(base string, raw json.RawMessage) map[string]interface{}

// commands maps a command name to its handler. Each command may live in its
// own file and register itself from an init function; the core ones are here.
var commands = map[string]handler{
	"yaml-read": yamlRead,
	"eval":      eval,
	"set":       set,
	"coalesce":  coalesceCase,
	"load":      load,
	"render":    render,
	"semver":    semverCase,
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "bench-load" {
		benchLoad(os.Args[2], os.Args[3])
		return
	}
	if len(os.Args) != 3 || os.Args[1] != "batch" {
		fmt.Fprintln(os.Stderr, "usage: oracle batch DIR < cases.json | oracle bench-load CHART.tgz ITERATIONS")
		os.Exit(2)
	}
	base := os.Args[2]
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	var b batch
	if err := json.Unmarshal(in, &b); err != nil {
		fail(fmt.Errorf("cases: %w", err))
	}
	h, ok := commands[b.Command]
	if !ok {
		fail(fmt.Errorf("unknown command %q", b.Command))
	}
	out := make([]map[string]interface{}, 0, len(b.Cases))
	for _, c := range b.Cases {
		var named struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(c, &named); err != nil {
			fail(err)
		}
		r := h(base, c)
		r["name"] = named.Name
		out = append(out, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "oracle:", err)
	os.Exit(1)
}

func decodeCase(raw json.RawMessage, v interface{}) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		fail(fmt.Errorf("case %s: %w", string(raw), err))
	}
}

// ---- yaml-read: values files, fromYaml, fromYamlArray ----

func yamlRead(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		YAML string `json:"yaml"`
		Mode string `json:"mode"`
	}
	decodeCase(raw, &c)
	switch c.Mode {
	case "", "values":
		v, err := chartutil.ReadValues([]byte(c.YAML))
		return result(map[string]interface{}(v), err)
	case "fromYaml":
		m := map[string]interface{}{}
		err := yaml.Unmarshal([]byte(c.YAML), &m)
		return result(m, err)
	case "fromYamlArray":
		a := []interface{}{}
		err := yaml.Unmarshal([]byte(c.YAML), &a)
		return result(a, err)
	}
	fail(fmt.Errorf("yaml-read: unknown mode %q", c.Mode))
	return nil
}

func result(v interface{}, err error) map[string]interface{} {
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"value": encode(v)}
}

// ---- eval: one template string with Helm's functions ----

type releaseOptions struct {
	Name        string   `json:"release_name"`
	Namespace   string   `json:"namespace"`
	Revision    int      `json:"revision"`
	IsUpgrade   bool     `json:"is_upgrade"`
	KubeVersion string   `json:"kube_version"`
	APIVersions []string `json:"api_versions"`
	Strict      bool     `json:"strict"`
}

func (o releaseOptions) release() chartutil.ReleaseOptions {
	name := o.Name
	if name == "" {
		name = "release-name"
	}
	ns := o.Namespace
	if ns == "" {
		ns = "default"
	}
	rev := o.Revision
	if rev == 0 {
		rev = 1
	}
	return chartutil.ReleaseOptions{Name: name, Namespace: ns, Revision: rev, IsUpgrade: o.IsUpgrade, IsInstall: !o.IsUpgrade}
}

func (o releaseOptions) capabilities() (*chartutil.Capabilities, error) {
	caps := chartutil.DefaultCapabilities.Copy()
	if o.KubeVersion != "" {
		kv, err := chartutil.ParseKubeVersion(o.KubeVersion)
		if err != nil {
			return nil, err
		}
		caps.KubeVersion = *kv
	}
	caps.APIVersions = append(caps.APIVersions, o.APIVersions...)
	return caps, nil
}

func eval(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Template string          `json:"template"`
		Values   json.RawMessage `json:"values"`
		Options  releaseOptions  `json:"options"`
	}
	decodeCase(raw, &c)
	values := map[string]interface{}{}
	if len(c.Values) > 0 {
		v := decode(c.Values)
		m, ok := v.(map[string]interface{})
		if !ok {
			fail(fmt.Errorf("eval: values must be a map"))
		}
		values = m
	}
	ch := &chart.Chart{
		Metadata:  &chart.Metadata{APIVersion: "v2", Name: "oracle", Version: "0.1.0"},
		Templates: []*chart.File{{Name: "templates/t", Data: []byte(c.Template)}},
	}
	caps, err := c.Options.capabilities()
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	// The top-level values are built by hand rather than by ToRenderValues,
	// so that nulls and types reach the template untouched by coalescing.
	top, err := chartutil.ToRenderValues(ch, map[string]interface{}{}, c.Options.release(), caps)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	top["Values"] = chartutil.Values(values)
	e := engine.Engine{Strict: c.Options.Strict, LintMode: false}
	out, err := e.Render(ch, top)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"output": out["oracle/templates/t"]}
}

// ---- set: --set, --set-string, --set-json, --set-file, --set-literal ----

func set(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Args []struct {
			Kind string `json:"kind"`
			Expr string `json:"expr"`
		} `json:"args"`
		Files map[string]string `json:"files"`
	}
	decodeCase(raw, &c)
	dest := map[string]interface{}{}
	for _, a := range c.Args {
		var err error
		switch a.Kind {
		case "set":
			err = strvals.ParseInto(a.Expr, dest)
		case "set-string":
			err = strvals.ParseIntoString(a.Expr, dest)
		case "set-json":
			err = strvals.ParseJSON(a.Expr, dest)
		case "set-literal":
			err = strvals.ParseLiteralInto(a.Expr, dest)
		case "set-file":
			err = strvals.ParseIntoFile(a.Expr, dest, func(rs []rune) (interface{}, error) {
				content, ok := c.Files[string(rs)]
				if !ok {
					return nil, fmt.Errorf("open %s: no such file or directory", string(rs))
				}
				return content, nil
			})
		default:
			fail(fmt.Errorf("set: unknown kind %q", a.Kind))
		}
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
	}
	return map[string]interface{}{"value": encode(dest)}
}

// ---- charts: inline files or a path ----

type chartSource struct {
	Path  string            `json:"chart"`
	Files map[string]string `json:"files"`
}

func (s chartSource) load(base string) (*chart.Chart, error) {
	if s.Path != "" {
		return loader.Load(filepath.Join(base, s.Path))
	}
	names := make([]string, 0, len(s.Files))
	for n := range s.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	files := make([]*loader.BufferedFile, 0, len(names))
	for _, n := range names {
		files = append(files, &loader.BufferedFile{Name: n, Data: []byte(s.Files[n])})
	}
	return loader.LoadFiles(files)
}

// ---- coalesce: values as an install computes them ----

func coalesceCase(base string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		chartSource
		Values  string         `json:"values"`
		Options releaseOptions `json:"options"`
	}
	decodeCase(raw, &c)
	var logs bytes.Buffer
	log.SetOutput(&logs)
	log.SetFlags(0)
	defer log.SetOutput(os.Stderr)

	ch, err := c.load(base)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	vals, err := chartutil.ReadValues([]byte(c.Values))
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	out := map[string]interface{}{}
	if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
		out["error"] = err.Error()
		out["warnings"] = lines(logs.String())
		return out
	}
	caps, err := c.Options.capabilities()
	if err != nil {
		fail(err)
	}
	top, err := chartutil.ToRenderValues(ch, vals, c.Options.release(), caps)
	out["warnings"] = lines(logs.String())
	out["charts"] = chartTree(ch)
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	out["value"] = encode(map[string]interface{}(top["Values"].(chartutil.Values)))
	return out
}

func lines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// chartTree names the charts left after dependency processing, as "parent/child" paths.
func chartTree(ch *chart.Chart) []string {
	out := []string{}
	var walk func(c *chart.Chart, prefix string)
	walk = func(c *chart.Chart, prefix string) {
		p := prefix + c.Name()
		out = append(out, p)
		for _, d := range c.Dependencies() {
			walk(d, p+"/")
		}
	}
	walk(ch, "")
	return out
}

// ---- load: what the loader makes of a chart ----

func load(base string, raw json.RawMessage) map[string]interface{} {
	var c chartSource
	decodeCase(raw, &c)
	ch, err := c.load(base)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"chart": describe(ch)}
}

func describe(ch *chart.Chart) map[string]interface{} {
	names := func(fs []*chart.File) []string {
		out := []string{}
		for _, f := range fs {
			out = append(out, f.Name)
		}
		return out
	}
	md, err := json.Marshal(ch.Metadata)
	if err != nil {
		fail(err)
	}
	var mdv interface{}
	if err := json.Unmarshal(md, &mdv); err != nil {
		fail(err)
	}
	d := map[string]interface{}{
		"metadata":  mdv,
		"templates": names(ch.Templates),
		"files":     names(ch.Files),
		"raw":       names(ch.Raw),
		"values":    encode(ch.Values),
		"schema":    string(ch.Schema),
	}
	if ch.Lock != nil {
		lk, err := json.Marshal(ch.Lock)
		if err != nil {
			fail(err)
		}
		var lkv interface{}
		if err := json.Unmarshal(lk, &lkv); err != nil {
			fail(err)
		}
		d["lock"] = lkv
	}
	deps := []interface{}{}
	for _, sub := range ch.Dependencies() {
		deps = append(deps, describe(sub))
	}
	d["dependencies"] = deps
	return d
}

// ---- render: engine.Render over a chart, as install and template do ----

func render(base string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		chartSource
		Values  string         `json:"values"`
		Set     []string       `json:"set"`
		Options releaseOptions `json:"options"`
	}
	decodeCase(raw, &c)
	ch, err := c.load(base)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	vals, err := chartutil.ReadValues([]byte(c.Values))
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	for _, s := range c.Set {
		if err := strvals.ParseInto(s, vals); err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
	}
	if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	caps, err := c.Options.capabilities()
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	top, err := chartutil.ToRenderValues(ch, vals, c.Options.release(), caps)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	e := engine.Engine{Strict: c.Options.Strict}
	out, err := e.Render(ch, top)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	manifests := map[string]interface{}{}
	for k, v := range out {
		manifests[k] = v
	}
	return map[string]interface{}{"manifests": manifests}
}

// ---- semver: Masterminds versions and constraints ----

func semverCase(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Constraint *string  `json:"constraint"`
		Versions   []string `json:"versions"`
	}
	decodeCase(raw, &c)
	out := map[string]interface{}{}
	versions := []interface{}{}
	parsed := []*semver.Version{}
	for _, s := range c.Versions {
		v, err := semver.NewVersion(s)
		if err != nil {
			versions = append(versions, map[string]interface{}{"error": err.Error()})
			parsed = append(parsed, nil)
			continue
		}
		versions = append(versions, map[string]interface{}{"version": v.String()})
		parsed = append(parsed, v)
	}
	out["versions"] = versions
	if c.Constraint != nil {
		con, err := semver.NewConstraint(*c.Constraint)
		if err != nil {
			out["error"] = err.Error()
			return out
		}
		matches := []interface{}{}
		for _, v := range parsed {
			if v == nil {
				matches = append(matches, nil)
				continue
			}
			matches = append(matches, con.Check(v))
		}
		out["matches"] = matches
		out["constraint"] = con.String()
	}
	return out
}
