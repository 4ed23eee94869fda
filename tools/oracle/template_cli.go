package main

// `template-cli`: what `helm template` prints for a chart, built the way
// cmd/helm/template.go builds it (an Install with DryRun, ClientOnly and
// Replace, then the manifest, the hooks and the --show-only filter),
// restated here because cmd/helm is not importable.
//
// This file also stamps the defaults a released Helm binary carries: its
// Makefile sets chartutil's Kubernetes version from the client-go it is built
// with and the version string from the release tag; a plain `go build` of the
// oracle would otherwise say v1.20.0 and v3.22.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/releaseutil"
	"helm.sh/helm/v3/pkg/strvals"
)

func init() {
	stampReleaseDefaults()
	commands["template-cli"] = templateCLI
}

func stampReleaseDefaults() {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	for _, dep := range info.Deps {
		switch dep.Path {
		case "k8s.io/client-go":
			parts := strings.Split(strings.TrimPrefix(dep.Version, "v"), ".")
			if len(parts) >= 2 {
				chartutil.DefaultCapabilities.KubeVersion = chartutil.KubeVersion{
					Version: "v1." + parts[1] + ".0", Major: "1", Minor: parts[1],
				}
			}
		case "helm.sh/helm/v3":
			chartutil.DefaultCapabilities.HelmVersion.Version = dep.Version
			chartutil.DefaultCapabilities.HelmVersion.GitTreeState = "clean"
		}
	}
}

type templateCLIOptions struct {
	ReleaseName string   `json:"release_name"`
	Namespace   string   `json:"namespace"`
	KubeVersion string   `json:"kube_version"`
	APIVersions []string `json:"api_versions"`
	IsUpgrade   bool     `json:"is_upgrade"`
	IncludeCRDs bool     `json:"include_crds"`
	SkipTests   bool     `json:"skip_tests"`
	NoHooks     bool     `json:"no_hooks"`
	ShowOnly    []string `json:"show_only"`
	SkipSchema  bool     `json:"skip_schema_validation"`
}

func templateCLI(base string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		chartSource
		Values    string             `json:"values"`
		Set       []string           `json:"set"`
		SetString []string           `json:"set_string"`
		Options   templateCLIOptions `json:"options"`
	}
	decodeCase(raw, &c)
	log.SetOutput(io.Discard)
	defer log.SetOutput(io.Discard)
	out, err := runTemplateCLI(base, c.chartSource, c.Values, c.Set, c.SetString, c.Options)
	if err != nil {
		return map[string]interface{}{"error": err.Error(), "output": out}
	}
	return map[string]interface{}{"output": out}
}

func runTemplateCLI(base string, src chartSource, valuesYAML string, set, setString []string, o templateCLIOptions) (string, error) {
	ch, err := src.load(base)
	if err != nil {
		return "", err
	}
	vals, err := chartutil.ReadValues([]byte(valuesYAML))
	if err != nil {
		return "", err
	}
	for _, s := range set {
		if err := strvals.ParseInto(s, vals); err != nil {
			return "", fmt.Errorf("failed parsing --set data: %w", err)
		}
	}
	for _, s := range setString {
		if err := strvals.ParseIntoString(s, vals); err != nil {
			return "", fmt.Errorf("failed parsing --set-string data: %w", err)
		}
	}
	client := action.NewInstall(&action.Configuration{Log: func(string, ...interface{}) {}})
	if o.KubeVersion != "" {
		kv, err := chartutil.ParseKubeVersion(o.KubeVersion)
		if err != nil {
			return "", fmt.Errorf("invalid kube version '%s': %s", o.KubeVersion, err)
		}
		client.KubeVersion = kv
	}
	client.DryRunOption = "true"
	client.DryRun = true
	client.ReleaseName = o.ReleaseName
	if client.ReleaseName == "" {
		client.ReleaseName = "release-name"
	}
	client.Namespace = o.Namespace
	if client.Namespace == "" {
		client.Namespace = "default"
	}
	client.Replace = true
	client.ClientOnly = true
	client.APIVersions = chartutil.VersionSet(o.APIVersions)
	client.IncludeCRDs = o.IncludeCRDs
	client.IsUpgrade = o.IsUpgrade
	client.DisableHooks = o.NoHooks
	client.SkipSchemaValidation = o.SkipSchema

	// runInstall's checks before Run.
	if err := checkInstallable(ch); err != nil {
		return "", err
	}
	if req := ch.Metadata.Dependencies; req != nil {
		if err := action.CheckDependencies(ch, req); err != nil {
			return "", fmt.Errorf("An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: %w", err)
		}
	}
	rel, err := client.Run(ch, vals)
	if err != nil {
		if rel != nil {
			return "", fmt.Errorf("%w\n\nUse --debug flag to render out invalid YAML", err)
		}
		return "", err
	}
	return templateOutput(rel, o)
}

func checkInstallable(ch *chart.Chart) error {
	switch ch.Metadata.Type {
	case "", "application":
		return nil
	}
	return fmt.Errorf("%s charts are not installable", ch.Metadata.Type)
}

func isTestHook(h *release.Hook) bool {
	for _, e := range h.Events {
		if e == release.HookTest {
			return true
		}
	}
	return false
}

func templateOutput(rel *release.Release, o templateCLIOptions) (string, error) {
	var manifests bytes.Buffer
	fmt.Fprintln(&manifests, strings.TrimSpace(rel.Manifest))
	if !o.NoHooks {
		for _, m := range rel.Hooks {
			if o.SkipTests && isTestHook(m) {
				continue
			}
			fmt.Fprintf(&manifests, "---\n# Source: %s\n%s\n", m.Path, m.Manifest)
		}
	}
	if len(o.ShowOnly) == 0 {
		return manifests.String(), nil
	}
	split := releaseutil.SplitManifests(manifests.String())
	keys := make([]string, 0, len(split))
	for k := range split {
		keys = append(keys, k)
	}
	sort.Sort(releaseutil.BySplitManifestsOrder(keys))
	nameRe := regexp.MustCompile("# Source: [^/]+/(.+)")
	var out bytes.Buffer
	var selected []string
	for _, f := range o.ShowOnly {
		missing := true
		f = filepath.ToSlash(f)
		for _, k := range keys {
			m := split[k]
			sub := nameRe.FindStringSubmatch(m)
			if len(sub) == 0 {
				continue
			}
			if ok, _ := filepath.Match(f, sub[1]); !ok {
				continue
			}
			selected = append(selected, m)
			missing = false
		}
		if missing {
			return "", fmt.Errorf("could not find template %s in chart", f)
		}
	}
	for _, m := range selected {
		fmt.Fprintf(&out, "---\n%s\n", m)
	}
	return out.String(), nil
}
