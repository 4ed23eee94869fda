#!/usr/bin/env python3
"""Writes cases.json of the `load` golden suite: fixture charts by path, and
charts given inline as files (mostly Chart.yaml variants). A case may carry
`refused`: the message helm-api gives by default where Helm loads something
unsafe (the test then also checks Helm's result with Helm's own options)."""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
cases = []


def path(name, chart, refused=None):
    c = {"name": name, "chart": "fixtures/" + chart}
    if refused:
        c["refused"] = refused
    cases.append(c)


def files(name, fs, refused=None):
    c = {"name": name, "files": fs}
    if refused:
        c["refused"] = refused
    cases.append(c)


for d in ["basic", "v1", "ignore", "negate", "badignore", "badpattern", "links", "dangling", "nochart", "badsub",
          "basic/charts/sub", "missing-folder"]:
    path("folder " + d, d)
for t in ["good", "truncated", "traversal", "absolute", "rootfile", "dotdot-name", "drive", "backslash", "empty-tar",
          "only-dirs", "oversize-file", "file-at-cap", "bomb", "nested-bad", "tgz-folder", "notgzip", "empty", "binary",
          "basic/charts/packed-0.2.0"]:
    path("archive " + t, t + ".tgz")
path("archive yaml file", "yamlfile.yaml")
cases.append({"name": "archive packaged by helm-api", "chart": "packaged/basic-1.2.3.tgz"})
path("archive symlink", "symlink.tgz", 'chart archive entry "evil/templates/passwd" is a symbolic link, which is not allowed')
path("archive hard link", "hardlink.tgz", 'chart archive entry "evil/templates/passwd" is a hard link, which is not allowed')
path("archive fifo", "fifo.tgz", 'chart archive entry "evil/pipe" is a special file, which is not allowed')
path("archive two top-level folders", "two-top.tgz", 'chart archive has more than one top-level folder: "one" and "two"')

V2 = "apiVersion: v2\nname: c\nversion: 0.1.0\n"


def chart(name, chart_yaml, **more):
    fs = {"Chart.yaml": chart_yaml}
    fs.update(more)
    files(name, fs)


# Chart.yaml fields, types and Go's JSON decoding.
chart("minimal v2", V2)
chart("no apiVersion is v1", "name: c\nversion: 0.1.0\n")
chart("empty Chart.yaml", "")
chart("null Chart.yaml", "null\n")
chart("Chart.yaml is a list", "- a\n- b\n")
chart("Chart.yaml is a string", "hello\n")
chart("yaml syntax error", "name: [a\n")
chart("tab indentation", "name: a\n\tversion: 1\n")
chart("version as float 1.0", "apiVersion: v2\nname: c\nversion: 1.0\n")
chart("version as float 1.10", "apiVersion: v2\nname: c\nversion: 1.10\n")
chart("version as int", "apiVersion: v2\nname: c\nversion: 1\n")
chart("appVersion numbers", V2 + "appVersion: 1234567\n")
chart("appVersion float", V2 + "appVersion: 12345678.9\n")
chart("appVersion exp", V2 + "appVersion: 1.5e3\n")
chart("appVersion small float", V2 + "appVersion: 0.00001\n")
chart("appVersion bool", V2 + "appVersion: true\n")
chart("appVersion yes", V2 + "appVersion: yes\n")
chart("appVersion null", V2 + "appVersion: ~\n")
chart("appVersion map", V2 + "appVersion: {a: 1}\n")
chart("appVersion list", V2 + "appVersion: [1]\n")
chart("deprecated true", V2 + "deprecated: true\n")
chart("deprecated yes", V2 + "deprecated: yes\n")
chart("deprecated quoted", V2 + "deprecated: 'true'\n")
chart("deprecated number", V2 + "deprecated: 1\n")
chart("deprecated list", V2 + "deprecated: []\n")
chart("name list", "apiVersion: v2\nname: [a]\nversion: 0.1.0\n")
chart("name number", "apiVersion: v2\nname: 42\nversion: 0.1.0\n")
chart("keys in any case", "APIVERSION: v2\nName: c\nVersion: 0.1.0\nappversion: '1'\nKUBEVERSION: '>= 1.20'\n")
chart("exact key wins", "apiVersion: v2\nname: exact\nNAME: upper\nversion: 0.1.0\n")
chart("upper keys only", "apiVersion: v2\nNAME: upper\nName: title\nversion: 0.1.0\n")
chart("unknown keys ignored", V2 + "whatever: 1\nimport_values: x\n")
chart("sources and keywords", V2 + "sources: [a, 1, true, null]\nkeywords: [x]\nhome: h\nicon: i\n")
chart("sources string", V2 + "sources: a\n")
chart("sources null", V2 + "sources: null\n")
chart("sources nested list", V2 + "sources: [[a]]\n")
chart("keywords map", V2 + "keywords: {a: 1}\n")
chart("maintainers", V2 + "maintainers:\n- name: a\n  email: e\n  url: u\n- name: 7\n- {}\n")
chart("maintainers null entry", V2 + "maintainers:\n- name: a\n- null\n")
chart("maintainers string", V2 + "maintainers: ann\n")
chart("maintainers string entry", V2 + "maintainers: [ann]\n")
chart("maintainer name map", V2 + "maintainers:\n- name: {a: 1}\n")
chart("maintainer keys case", V2 + "maintainers:\n- NAME: a\n  Email: e\n  URL: u\n")
chart("annotations", V2 + "annotations:\n  a: 1\n  b: true\n  c: null\n  d: text\n  1: one\n")
chart("annotations list", V2 + "annotations: [a]\n")
chart("annotations nested map", V2 + "annotations:\n  a: {b: c}\n")
chart("annotations null", V2 + "annotations: null\n")
chart("type library", V2 + "type: library\n")
chart("type application", V2 + "type: application\n")
chart("type bad", V2 + "type: Library\n")
chart("kubeVersion not checked", V2 + "kubeVersion: not a constraint\n")
chart("description sanitized", V2 + "description: \"a\\tb\\nc\\u0001d\\u00a0e\\u200bf\"\n")
chart("name sanitized", "apiVersion: v2\nname: \"a\\tb\"\nversion: 0.1.0\n")
chart("apiVersion v3 accepted", "apiVersion: v3\nname: c\nversion: 0.1.0\n")
chart("apiVersion empty string", "apiVersion: ''\nname: c\nversion: 0.1.0\n")

# Validation.
for n in [".", "..", "a/b", "a/", "/", "a\\b", "-x", "UPPER", "with space"]:
    chart("name " + repr(n), "apiVersion: v2\nname: " + json.dumps(n) + "\nversion: 0.1.0\n")
chart("name missing", "apiVersion: v2\nversion: 0.1.0\n")
chart("name empty", "apiVersion: v2\nname: ''\nversion: 0.1.0\n")
for v in ["", "v1.2", "1.2.3.4", "01.2.3", "1.2.3-01", "1.2.3-alpha+b", "latest", "1.x", "x", " 1.2.3"]:
    chart("version " + repr(v), "apiVersion: v2\nname: c\nversion: " + json.dumps(v) + "\n")
chart("version missing", "apiVersion: v2\nname: c\n")
chart("order of checks", "name: ''\nversion: bad\ntype: x\n")

# Dependencies.
D = V2 + "dependencies:\n"
chart("dependencies", D + "- name: a\n  version: ^1.0\n  repository: https://x\n  condition: a.enabled,global.a\n  tags: [t1, t2]\n  enabled: true\n  alias: a-1\n  import-values:\n  - data\n  - child: x\n    parent: y\n  - 1\n")
chart("dependency duplicate names", D + "- name: a\n- name: a\n")
chart("dependency alias makes unique", D + "- name: a\n- name: a\n  alias: b\n")
chart("dependency alias clash", D + "- name: a\n  alias: b\n- name: b\n")
chart("dependency bad alias", D + "- name: a\n  alias: 'b.c'\n")
chart("dependency null entry", D + "- name: a\n- null\n")
chart("dependency null before bad alias", D + "- null\n- name: a\n  alias: 'b c'\n")
chart("dependency bad alias before null", D + "- name: a\n  alias: 'b c'\n- null\n")
chart("dependency tags string", D + "- name: a\n  tags: t\n")
chart("dependency enabled string", D + "- name: a\n  enabled: 'true'\n")
chart("dependency import-values string", D + "- name: a\n  import-values: data\n")
chart("dependency version number", D + "- name: a\n  version: 1.5\n")
chart("dependency string entry", D + "- a\n")
chart("dependencies map", V2 + "dependencies: {a: 1}\n")
chart("dependency sanitized", D + "- name: \"a\\tb\"\n  repository: \"r\\u0001\"\n")

# The other files.
chart("values list", V2, **{"values.yaml": "- a\n"})
chart("values string", V2, **{"values.yaml": "text\n"})
chart("values number", V2, **{"values.yaml": "12\n"})
chart("values empty", V2, **{"values.yaml": ""})
chart("values null", V2, **{"values.yaml": "~\n"})
chart("values types", V2, **{"values.yaml": "a: 1\nb: 1.5\nc: yes\nd: 0x1F\ne: '1'\nf: null\ng: [1, {h: i}]\n"})
chart("values syntax error", V2, **{"values.yaml": "a: [\n"})
chart("values error before missing Chart.yaml", V2, **{"values.yaml": "- a\n"})
files("missing Chart.yaml", {"values.yaml": "a: 1\n", "templates/t.yaml": "t"})
files("values error and missing Chart.yaml", {"values.yaml": "- a\n"})
files("no files at all", {})
chart("schema", V2, **{"values.schema.json": "{\"type\": \"object\"}"})
chart("schema invalid JSON is kept", V2, **{"values.schema.json": "not json"})
chart("lock", V2, **{"Chart.lock": "generated: \"2020-05-06T07:08:09.123456789+02:00\"\ndigest: sha256:x\ndependencies:\n- name: a\n  version: 1.0.0\n  repository: https://x\n"})
chart("lock zero offset", V2, **{"Chart.lock": "generated: 2020-05-06T07:08:09-00:00\n"})
chart("lock fraction zeros", V2, **{"Chart.lock": "generated: 2020-05-06T07:08:09.100Z\n"})
chart("lock without generated", V2, **{"Chart.lock": "digest: d\n"})
chart("lock empty", V2, **{"Chart.lock": ""})
chart("lock bad time", V2, **{"Chart.lock": "generated: yesterday\n"})
chart("lock date only", V2, **{"Chart.lock": "generated: 2020-05-06\n"})
chart("lock bad month", V2, **{"Chart.lock": "generated: 2020-13-06T07:08:09Z\n"})
chart("lock number time", V2, **{"Chart.lock": "generated: 5\n"})
chart("lock list", V2, **{"Chart.lock": "- a\n"})
chart("lock dependencies string", V2, **{"Chart.lock": "dependencies: x\n"})
chart("lock digest number", V2, **{"Chart.lock": "digest: 12\n"})
chart("requirements in v2", V2, **{"requirements.yaml": "dependencies:\n- name: r\n", "requirements.lock": "digest: r\n"})
chart("requirements in v1", "apiVersion: v1\nname: c\nversion: 0.1.0\n", **{"requirements.yaml": "dependencies:\n- name: r\n", "requirements.lock": "digest: r\n"})
chart("requirements overrides name", "apiVersion: v1\nname: c\nversion: 0.1.0\n", **{"requirements.yaml": "name: other\nannotations: {b: 2}\n"})
chart("requirements merge annotations", V2 + "annotations: {a: 1}\n", **{"requirements.yaml": "annotations: {b: 2}\n"})
chart("requirements error", V2, **{"requirements.yaml": "dependencies: x\n"})
chart("requirements lock error", V2, **{"requirements.lock": "- x\n"})
files("requirements without Chart.yaml", {"requirements.yaml": "dependencies: []\n"})
files("requirements.lock without Chart.yaml", {"requirements.lock": "digest: x\n"})
chart("templates and files order", V2, **{"templates/b.yaml": "b", "templates/a/z.yaml": "z", "templates/a-b.yaml": "ab",
                                         "templates/.hidden": "kept: the default rule applies to folders only",
                                         "z.txt": "z", "a.txt": "a", "crds/c.yaml": "c", "files/x/y": "y", "templatesx": "t"})
chart("prov in charts", V2, **{"charts/x-1.0.0.tgz.prov": "prov"})
chart("subchart folder", V2, **{"charts/s/Chart.yaml": "apiVersion: v2\nname: s\nversion: 0.0.1\n", "charts/s/templates/t.yaml": "t",
                                 "charts/s/charts/t/Chart.yaml": "apiVersion: v2\nname: t\nversion: 0.0.2\n"})
chart("subchart invalid", V2, **{"charts/s/Chart.yaml": "apiVersion: v2\nname: s\n"})
chart("subchart missing Chart.yaml", V2, **{"charts/s/values.yaml": "a: 1\n"})
chart("subchart file not folder", V2, **{"charts/readme.txt": "x"})
chart("subchart skipped names", V2, **{"charts/_x/values.yaml": "a", "charts/.y/values.yaml": "b"})
chart("subchart tgz folder", V2, **{"charts/x.tgz/Chart.yaml": V2})
chart("subchart tgz not gzip", V2, **{"charts/x.tgz": "not gzip"})
chart("subchart tgz empty", V2, **{"charts/x.tgz": ""})
chart("subchart error names parent", "apiVersion: v2\nname: parent\nversion: 0.1.0\n", **{"charts/s/Chart.yaml": "name: s\nversion: bad\n"})
chart("Chart.yaml in templates", V2, **{"templates/Chart.yaml": "x"})
chart("nested Chart.yaml only", "apiVersion: v2\nname: c\nversion: 0.1.0\n", **{"sub/Chart.yaml": "x"})

json.dump({"command": "load", "cases": cases}, open(os.path.join(HERE, "cases.json"), "w"), indent=1, ensure_ascii=False)
print(len(cases), "cases")
