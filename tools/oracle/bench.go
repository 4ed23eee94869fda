package main

// bench-load: how long Helm takes to load a packaged chart and compute its
// values, for comparison with helm-api's own benchmark of the same work.

import (
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"strings"
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
		"max_rss_kib":          maxRSSKiB(),
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}

// maxRSSKiB is the process's peak resident memory from /proc (0 where there is none).
func maxRSSKiB() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				n, _ := strconv.ParseInt(fields[1], 10, 64)
				return n
			}
		}
	}
	return 0
}
