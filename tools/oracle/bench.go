package main

// bench-load: how long Helm takes to load a packaged chart and compute its
// values, for comparison with helm-api's own benchmark of the same work.

import (
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
)

func benchLoad(path, iterations string) {
	n, err := strconv.Atoi(iterations)
	if err != nil || n < 1 {
		fail(err)
	}
	once := func() {
		ch, err := loader.Load(path)
		if err != nil {
			fail(err)
		}
		vals := chartutil.Values{}
		if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
			fail(err)
		}
		if _, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: "bench", Namespace: "default", Revision: 1, IsInstall: true}, nil); err != nil {
			fail(err)
		}
	}
	once() // warm up: page cache, lazily initialised globals
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for i := 0; i < n; i++ {
		once()
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	out := map[string]interface{}{
		"iterations":           n,
		"ns_per_iter":          elapsed.Nanoseconds() / int64(n),
		"bytes_alloc_per_iter": (after.TotalAlloc - before.TotalAlloc) / uint64(n),
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}
