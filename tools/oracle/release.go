package main

// Releases as Helm stores them: `release` builds a release.Release with
// Helm's own types from a case and returns its JSON, what Helm's Secret and
// ConfigMap drivers store for it (through the real drivers over a fake
// clientset), and what the Secret driver reads back; `release-decode` reads
// a stored payload (produced elsewhere, for instance by helm-api) the way
// the Secret driver does and returns the release's JSON.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
	helmtime "helm.sh/helm/v3/pkg/time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func init() {
	commands["release"] = releaseCase
	commands["release-decode"] = releaseDecode
}

type hookCase struct {
	Name              string   `json:"name"`
	Kind              string   `json:"kind"`
	Path              string   `json:"path"`
	Manifest          string   `json:"manifest"`
	Events            []string `json:"events"`
	Weight            int      `json:"weight"`
	DeletePolicies    []string `json:"delete_policies"`
	OutputLogPolicies []string `json:"output_log_policies"`
	StartedAt         string   `json:"started_at"`
	CompletedAt       string   `json:"completed_at"`
	Phase             string   `json:"phase"`
}

type releaseInput struct {
	Name        string            `json:"release_name"`
	Namespace   string            `json:"namespace"`
	Version     int               `json:"version"`
	NoInfo      bool              `json:"no_info"`
	Status      string            `json:"status"`
	Description string            `json:"description"`
	Notes       string            `json:"notes"`
	First       string            `json:"first_deployed"`
	Last        string            `json:"last_deployed"`
	Deleted     string            `json:"deleted"`
	Manifest    string            `json:"manifest"`
	Labels      map[string]string `json:"labels"`
	// The chart: inline files (text), binary files (base64), or none.
	ChartFiles  map[string]string `json:"chart_files"`
	BinaryFiles map[string]string `json:"binary_files"`
	// Config: YAML as chartutil.ReadValues reads it, or typed values.
	Config      *string         `json:"config"`
	ConfigTyped json.RawMessage `json:"config_typed"`
	Hooks       []hookCase      `json:"hooks"`
}

func parseTime(s string) (helmtime.Time, error) {
	if s == "" {
		return helmtime.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return helmtime.Time{Time: t}, err
}

func buildRelease(c releaseInput) (*release.Release, error) {
	rls := &release.Release{
		Name:      c.Name,
		Namespace: c.Namespace,
		Version:   c.Version,
		Manifest:  c.Manifest,
		Labels:    c.Labels,
	}
	if !c.NoInfo {
		info := &release.Info{Status: release.Status(c.Status), Description: c.Description, Notes: c.Notes}
		var err error
		if info.FirstDeployed, err = parseTime(c.First); err != nil {
			return nil, err
		}
		if info.LastDeployed, err = parseTime(c.Last); err != nil {
			return nil, err
		}
		if info.Deleted, err = parseTime(c.Deleted); err != nil {
			return nil, err
		}
		rls.Info = info
	}
	if len(c.ChartFiles) > 0 || len(c.BinaryFiles) > 0 {
		files := map[string]string{}
		for k, v := range c.ChartFiles {
			files[k] = v
		}
		for k, v := range c.BinaryFiles {
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				return nil, err
			}
			files[k] = string(b)
		}
		ch, err := chartSource{Files: files}.load("")
		if err != nil {
			return nil, err
		}
		rls.Chart = ch
	}
	if c.Config != nil {
		v, err := chartutil.ReadValues([]byte(*c.Config))
		if err != nil {
			return nil, err
		}
		rls.Config = v
	}
	if len(c.ConfigTyped) > 0 {
		m, ok := decode(c.ConfigTyped).(map[string]interface{})
		if !ok {
			return nil, fmt.Errorf("config_typed must be a map")
		}
		rls.Config = m
	}
	for _, h := range c.Hooks {
		hook := &release.Hook{Name: h.Name, Kind: h.Kind, Path: h.Path, Manifest: h.Manifest, Weight: h.Weight}
		for _, e := range h.Events {
			hook.Events = append(hook.Events, release.HookEvent(e))
		}
		for _, p := range h.DeletePolicies {
			hook.DeletePolicies = append(hook.DeletePolicies, release.HookDeletePolicy(p))
		}
		for _, p := range h.OutputLogPolicies {
			hook.OutputLogPolicies = append(hook.OutputLogPolicies, release.HookOutputLogPolicy(p))
		}
		var err error
		if hook.LastRun.StartedAt, err = parseTime(h.StartedAt); err != nil {
			return nil, err
		}
		if hook.LastRun.CompletedAt, err = parseTime(h.CompletedAt); err != nil {
			return nil, err
		}
		hook.LastRun.Phase = release.HookPhase(h.Phase)
		rls.Hooks = append(rls.Hooks, hook)
	}
	return rls, nil
}

// stableLabels hides the creation and modification times the drivers stamp.
func stableLabels(l map[string]string) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range l {
		if k == "createdAt" || k == "modifiedAt" {
			v = "<" + k + ">"
		}
		out[k] = v
	}
	return out
}

func releaseCase(_ string, raw json.RawMessage) map[string]interface{} {
	var c releaseInput
	decodeCase(raw, &c)
	rls, err := buildRelease(c)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	out := map[string]interface{}{}
	js, err := json.Marshal(rls)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	out["json"] = string(js)
	if rls.Info == nil {
		// Helm's drivers dereference Info for the status label and panic.
		return out
	}

	ns := rls.Namespace
	if ns == "" {
		ns = "default"
	}
	key := fmt.Sprintf("sh.helm.release.v1.%s.v%d", rls.Name, rls.Version)
	client := fake.NewSimpleClientset()
	secrets := driver.NewSecrets(client.CoreV1().Secrets(ns))
	if err := secrets.Create(key, rls); err != nil {
		out["error"] = err.Error()
		return out
	}
	sec, err := client.CoreV1().Secrets(ns).Get(context.Background(), key, metav1.GetOptions{})
	if err != nil {
		fail(err)
	}
	out["secret"] = map[string]interface{}{
		"name":   sec.Name,
		"type":   string(sec.Type),
		"labels": stableLabels(sec.Labels),
		"keys":   dataKeys(sec.Data),
	}
	out["encoded"] = string(sec.Data["release"])
	if err := secrets.Update(key, rls); err != nil {
		fail(err)
	}
	upd, err := client.CoreV1().Secrets(ns).Get(context.Background(), key, metav1.GetOptions{})
	if err != nil {
		fail(err)
	}
	out["updated_labels"] = stableLabels(upd.Labels)
	back, err := secrets.Get(key)
	if err != nil {
		out["decode_error"] = err.Error()
	} else {
		bj, err := json.Marshal(back)
		if err != nil {
			fail(err)
		}
		out["decoded_json"] = string(bj)
		out["decoded_labels"] = back.Labels
	}

	cms := driver.NewConfigMaps(client.CoreV1().ConfigMaps(ns))
	if err := cms.Create(key, rls); err != nil {
		fail(err)
	}
	cm, err := client.CoreV1().ConfigMaps(ns).Get(context.Background(), key, metav1.GetOptions{})
	if err != nil {
		fail(err)
	}
	out["configmap"] = map[string]interface{}{"name": cm.Name, "labels": stableLabels(cm.Labels)}
	return out
}

func dataKeys(d map[string][]byte) []string {
	keys := []string{}
	for k := range d {
		keys = append(keys, k)
	}
	return keys
}

// release-decode: `payload` (the text of a Secret's `release` data) read by
// Helm's Secret driver; returns the release's JSON and labels, or the error.
func releaseDecode(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Payload string            `json:"payload"`
		Labels  map[string]string `json:"labels"`
	}
	decodeCase(raw, &c)
	client := fake.NewSimpleClientset()
	key := "sh.helm.release.v1.decode.v1"
	_, err := client.CoreV1().Secrets("default").Create(context.Background(), &v1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: key, Labels: c.Labels},
		Type:       "helm.sh/release.v1",
		Data:       map[string][]byte{"release": []byte(c.Payload)},
	}, metav1.CreateOptions{})
	if err != nil {
		fail(err)
	}
	rls, err := secretsGet(driver.NewSecrets(client.CoreV1().Secrets("default")), key)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	js, err := json.Marshal(rls)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"json": string(js), "labels": rls.Labels}
}

// secretsGet is the Secret driver's Get, which dereferences the release it
// failed to decode (a nil pointer) before returning the error; the panic is
// reported as the error it hides.
func secretsGet(d *driver.Secrets, key string) (rls *release.Release, err error) {
	defer func() {
		if p := recover(); p != nil {
			rls, err = nil, fmt.Errorf("the Secret driver panics decoding this payload: %v", p)
		}
	}()
	return d.Get(key)
}
