package main

// Repository index commands: index-load (repo.LoadIndexFile), index-get
// (IndexFile.Get), search-repo (helm search repo over cmd/helm/search) and
// bench-index (timing and peak memory of loading and searching one index).

import (
	"bytes"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"helm.sh/helm/v3/cmd/helm/search"
	"helm.sh/helm/v3/pkg/repo"
)

func init() {
	commands["index-load"] = indexLoad
	commands["index-get"] = indexGet
	commands["search-repo"] = searchRepo
	commands["bench-index"] = benchIndex
	commands["resolve-url"] = resolveURL
	commands["index-write"] = indexWrite
}

// indexWrite: an index loaded by repo.LoadIndexFile and written back by IndexFile.WriteFile.
func indexWrite(base string, raw json.RawMessage) map[string]interface{} {
	var c indexSource
	decodeCase(raw, &c)
	i, _, err := loadIndexSource(base, c)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	dir, err := os.MkdirTemp("", "oracle-index-write")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "index.yaml")
	if err := i.WriteFile(out, 0o644); err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		fail(err)
	}
	return map[string]interface{}{"yaml": string(b)}
}

// resolveURL: {base, ref} through repo.ResolveReferenceURL (chart URLs of an index).
func resolveURL(_ string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		Base string `json:"base"`
		Ref  string `json:"ref"`
	}
	decodeCase(raw, &c)
	u, err := repo.ResolveReferenceURL(c.Base, c.Ref)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"url": u}
}

// indexSource is an index given inline (`yaml`, written to a temporary
// file named `source` or index.yaml) or as a `file` relative to the cases folder.
type indexSource struct {
	YAML   *string `json:"yaml"`
	File   string  `json:"file"`
	Source string  `json:"source"`
}

var indexFiles = map[string]*repo.IndexFile{}

// loadIndexSource loads through repo.LoadIndexFile and returns Helm's log lines too.
func loadIndexSource(base string, s indexSource) (*repo.IndexFile, []string, error) {
	path := filepath.Join(base, s.File)
	if s.YAML != nil {
		dir, err := os.MkdirTemp("", "oracle-index")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(dir)
		name := s.Source
		if name == "" {
			name = "index.yaml"
		}
		path = filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(*s.YAML), 0o644); err != nil {
			fail(err)
		}
	}
	var buf bytes.Buffer
	log.SetOutput(&buf)
	log.SetFlags(0)
	defer log.SetOutput(os.Stderr)
	i, err := repo.LoadIndexFile(path)
	warnings := []string{}
	for _, l := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		if l != "" {
			warnings = append(warnings, strings.ReplaceAll(l, path, "SOURCE"))
		}
	}
	if err != nil {
		return nil, warnings, errString(strings.ReplaceAll(err.Error(), path, "SOURCE"))
	}
	return i, warnings, nil
}

type errString string

func (e errString) Error() string { return string(e) }

func indexJSON(i *repo.IndexFile) interface{} {
	b, err := json.Marshal(i)
	if err != nil {
		fail(err)
	}
	var v map[string]interface{}
	if err := json.Unmarshal(b, &v); err != nil {
		fail(err)
	}
	return v
}

func indexLoad(base string, raw json.RawMessage) map[string]interface{} {
	var c indexSource
	decodeCase(raw, &c)
	i, warnings, err := loadIndexSource(base, c)
	if err != nil {
		return map[string]interface{}{"error": err.Error(), "warnings": warnings}
	}
	return map[string]interface{}{"index": indexJSON(i), "warnings": warnings}
}

func indexGet(base string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		indexSource
		Chart   string `json:"chart"`
		Version string `json:"version"`
	}
	decodeCase(raw, &c)
	key := c.File
	if c.YAML != nil {
		key = "yaml:" + *c.YAML
	}
	i, ok := indexFiles[key]
	if !ok {
		var err error
		i, _, err = loadIndexSource(base, c.indexSource)
		if err != nil {
			return map[string]interface{}{"error": "load: " + err.Error()}
		}
		indexFiles[key] = i
	}
	cv, err := i.Get(c.Chart, c.Version)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"version": cv.Version, "digest": cv.Digest}
}

type searchOptions struct {
	Repos []struct {
		Name string `json:"name"`
		indexSource
	} `json:"repos"`
	Terms    []string `json:"terms"`
	Regexp   bool     `json:"regexp"`
	Versions bool     `json:"versions"`
	Devel    bool     `json:"devel"`
	Version  string   `json:"version"`
}

// runSearch is cmd/helm's `search repo` (search_repo.go run, setupSearchedVersion,
// buildIndex, applyConstraint) over the exported search package.
func runSearch(base string, o searchOptions) ([]*search.Result, error) {
	version := o.Version
	if version == "" {
		if o.Devel {
			version = ">0.0.0-0"
		} else {
			version = ">0.0.0"
		}
	}
	index := search.NewIndex()
	for _, r := range o.Repos {
		ind, _, err := loadIndexSource(base, r.indexSource)
		if err != nil {
			continue
		}
		index.AddRepo(r.Name, ind, o.Versions || len(version) > 0)
	}
	var res []*search.Result
	if len(o.Terms) == 0 {
		res = index.All()
	} else {
		var err error
		res, err = index.Search(strings.Join(o.Terms, " "), 25, o.Regexp)
		if err != nil {
			return nil, err
		}
	}
	search.SortScore(res)
	constraint, err := semver.NewConstraint(version)
	if err != nil {
		return nil, errString("an invalid version/constraint format: " + err.Error())
	}
	data := res[:0]
	found := map[string]bool{}
	for _, r := range res {
		if !o.Versions && found[r.Name] {
			continue
		}
		v, err := semver.NewVersion(r.Chart.Version)
		if err != nil {
			continue
		}
		if constraint.Check(v) {
			data = append(data, r)
			found[r.Name] = true
		}
	}
	return data, nil
}

func searchRepo(base string, raw json.RawMessage) map[string]interface{} {
	var o searchOptions
	decodeCase(raw, &o)
	data, err := runSearch(base, o)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	out := []interface{}{}
	for _, r := range data {
		out = append(out, map[string]interface{}{
			"name": r.Name, "version": r.Chart.Version, "app_version": r.Chart.AppVersion,
			"description": r.Chart.Description, "score": r.Score,
		})
	}
	return map[string]interface{}{"results": out}
}

// benchIndex: {file, iterations, terms}: Helm loading the index (and searching it) `iterations` times.
func benchIndex(base string, raw json.RawMessage) map[string]interface{} {
	var c struct {
		File       string   `json:"file"`
		Iterations int      `json:"iterations"`
		Terms      []string `json:"terms"`
	}
	decodeCase(raw, &c)
	path := filepath.Join(base, c.File)
	if filepath.IsAbs(c.File) {
		path = c.File
	}
	if c.Iterations < 1 {
		c.Iterations = 1
	}
	log.SetOutput(&bytes.Buffer{})
	var i *repo.IndexFile
	start := time.Now()
	for n := 0; n < c.Iterations; n++ {
		var err error
		i, err = repo.LoadIndexFile(path)
		if err != nil {
			fail(err)
		}
	}
	load := time.Since(start) / time.Duration(c.Iterations)
	count := 0
	for _, v := range i.Entries {
		count += len(v)
	}
	o := searchOptions{Terms: c.Terms}
	o.Repos = append(o.Repos, struct {
		Name string `json:"name"`
		indexSource
	}{Name: "bench", indexSource: indexSource{File: path}})
	start = time.Now()
	res, err := runSearch("/", o)
	if err != nil {
		fail(err)
	}
	searchTime := time.Since(start)
	runtime.GC()
	return map[string]interface{}{
		"load_ns":     load.Nanoseconds(),
		"search_ns":   searchTime.Nanoseconds(),
		"results":     len(res),
		"charts":      len(i.Entries),
		"versions":    count,
		"max_rss_kib": maxRSSKiB(),
	}
}
