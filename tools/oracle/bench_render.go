package main

// bench-render: how long Helm's engine.Render takes on a chart (parsed and
// processed once), and how long the whole path takes (load from disk,
// dependencies, values, render), for comparison with helm-api's render
// benchmark (crates/template-render/benches/render_chart.rs).

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
)

func init() {
	commands["bench-render"] = benchRender
}

func benchRender(base string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Chart      string `json:"chart"`
		Values     string `json:"values"`
		Iterations int    `json:"iterations"`
		Rounds     int    `json:"rounds"`
	}
	decodeCase(raw, &c)
	path := filepath.Join(base, c.Chart)
	opts := chartutil.ReleaseOptions{Name: "bench", Namespace: "default", Revision: 1, IsInstall: true}
	full := func() (map[string]string, error) {
		ch, err := loader.Load(path)
		if err != nil {
			return nil, err
		}
		vals, err := chartutil.ReadValues([]byte(c.Values))
		if err != nil {
			return nil, err
		}
		if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
			return nil, err
		}
		top, err := chartutil.ToRenderValues(ch, vals, opts, nil)
		if err != nil {
			return nil, err
		}
		return engine.Render(ch, top)
	}
	out, err := full()
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	bytes := 0
	for _, v := range out {
		bytes += len(v)
	}
	ch, _ := loader.Load(path)
	vals, _ := chartutil.ReadValues([]byte(c.Values))
	_ = chartutil.ProcessDependenciesWithMerge(ch, vals)
	top, _ := chartutil.ToRenderValues(ch, vals, opts, nil)
	// The median over rounds of the mean time per iteration in the round.
	median := func(work func() error) (int64, error) {
		rounds := c.Rounds
		if rounds < 1 {
			rounds = 1
		}
		per := c.Iterations / rounds
		if per < 1 {
			per = 1
		}
		times := make([]int64, 0, rounds)
		for r := 0; r < rounds; r++ {
			runtime.GC()
			start := time.Now()
			for i := 0; i < per; i++ {
				if err := work(); err != nil {
					return 0, err
				}
			}
			times = append(times, time.Since(start).Nanoseconds()/int64(per))
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		return times[len(times)/2], nil
	}
	render, err := median(func() error { _, err := engine.Render(ch, top); return err })
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	whole, err := median(func() error { _, err := full(); return err })
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{
		"templates":          len(out),
		"output_bytes":       bytes,
		"render_ns":          render,
		"load_and_render_ns": whole,
		"max_rss_kib":        maxRSSKiB(),
	}
}
