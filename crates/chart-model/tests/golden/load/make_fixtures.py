#!/usr/bin/env python3
"""Writes the chart fixtures of the `load` golden suite: folders and archives,
including hostile archives (traversal, absolute paths, links, several top-level
folders, oversize files, a gzip bomb). Deterministic: run it again and git sees
no change. Then `cargo xtask oracle --update load` asks real Helm about them."""
import gzip, io, os, shutil, tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures")


def write(path, text):
    full = os.path.join(FIX, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())


def chart_yaml(name, version="0.1.0", extra=""):
    return f"apiVersion: v2\nname: {name}\nversion: {version}\n{extra}"


def tgz(name, entries):
    """entries: (name, data | None for a folder, kind) with kind reg/dir/sym/lnk/fifo."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            ename, data, kind = (entry + ("reg",))[:3] if len(entry) == 2 else entry
            info = tarfile.TarInfo(ename)
            info.mtime = 0
            info.mode = 0o644
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            elif kind == "sym":
                info.type = tarfile.SYMTYPE
                info.linkname = data
                tar.addfile(info)
            elif kind == "lnk":
                info.type = tarfile.LNKTYPE
                info.linkname = data
                tar.addfile(info)
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
                tar.addfile(info)
            else:
                data = data if isinstance(data, bytes) else data.encode()
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw)
    return out.getvalue()


def write_tgz(path, entries):
    write(path, tgz(path, entries))


def main():
    shutil.rmtree(FIX, ignore_errors=True)

    # A full chart folder: every kind of file, .helmignore, subcharts as folders and archives.
    b = "basic/"
    write(b + "Chart.yaml", chart_yaml("basic", "1.2.3", "description: A\tbasic chart\nappVersion: 1.10\n"
          "maintainers:\n- name: Ann\n  email: ann@example.com\nkeywords: [a, b]\nannotations:\n  x: 1\n  y: 'two'\n"
          "dependencies:\n- name: sub\n  version: ~0.1.0\n  repository: file://charts/sub\n"
          "- name: packed\n  version: 0.2.0\n  repository: https://example.com\n  alias: packed-alias\n  import-values: [data, {child: a, parent: b}]\n"))
    write(b + "Chart.lock", "dependencies:\n- name: sub\n  repository: file://charts/sub\n  version: 0.1.0\n"
          "digest: sha256:abc\ngenerated: \"2024-01-02T03:04:05.500000+00:00\"\n")
    write(b + "values.yaml", "replicas: 1\nimage:\n  tag: \"1.0\"\nlist: [1, two, 3.5]\nflag: yes\n")
    write(b + "values.schema.json", '{"type": "object"}\n')
    write(b + ".helmignore", "# comments\n*.bak\n/top-only.txt\nignored-dir/\n")
    write(b + "README.md", b"\xef\xbb\xbfwith a BOM\n")
    write(b + "top-only.txt", "ignored at the top\n")
    write(b + "nested/top-only.txt", "kept below the top\n")
    write(b + "notes.bak", "ignored\n")
    write(b + "ignored-dir/file.txt", "ignored\n")
    write(b + "crds/crd.yaml", "kind: CustomResourceDefinition\n")
    write(b + "files/a-b.txt", "dash\n")
    write(b + "files/a/b.txt", "slash\n")
    write(b + "files/a.txt", "dot\n")
    write(b + "templates/deployment.yaml", "kind: Deployment\n")
    write(b + "templates/_helpers.tpl", "{{- define \"x\" }}x{{ end }}\n")
    write(b + "templates/.hidden.yaml", "ignored by Helm's default rule\n")
    write(b + "templates/a-b.yaml", "a: 1\n")
    write(b + "templates/a/b.yaml", "b: 1\n")
    write(b + "templates/NOTES.txt", "notes\n")
    write(b + "charts/sub/Chart.yaml", chart_yaml("sub", "0.1.0"))
    write(b + "charts/sub/values.yaml", "sub: true\n")
    write(b + "charts/sub/templates/cm.yaml", "kind: ConfigMap\n")
    write(b + "charts/sub/charts/deeper/Chart.yaml", chart_yaml("deeper", "0.0.1"))
    write(b + "charts/sub/charts/deeper/templates/x.yaml", "x: 1\n")
    write(b + "charts/packed-0.2.0.tgz", tgz("packed", [
        ("packed/Chart.yaml", chart_yaml("packed", "0.2.0")),
        ("packed/values.yaml", "packed: 1\n"),
        ("packed/templates/t.yaml", "t: 1\n"),
        ("packed/charts/inner-1.0.0.tgz", tgz("inner", [("inner/Chart.yaml", chart_yaml("inner", "1.0.0"))])),
    ]))
    write(b + "charts/packed-0.2.0.tgz.prov", "provenance\n")
    write(b + "charts/_skipped/Chart.yaml", "not: a chart\n")
    write(b + "charts/.hidden/Chart.yaml", "not: a chart\n")

    # apiVersion v1 with requirements.yaml and requirements.lock.
    write("v1/Chart.yaml", "apiVersion: v1\nname: old\nversion: 0.0.1\n")
    write("v1/requirements.yaml", "dependencies:\n- name: dep\n  version: 1.x\n  repository: '@stable'\n  condition: dep.enabled\n  tags: [front]\n")
    write("v1/requirements.lock", "dependencies:\n- name: dep\n  version: 1.2.0\n  repository: '@stable'\ndigest: sha256:def\ngenerated: 2019-05-06T07:08:09Z\n")
    write("v1/charts/dep/Chart.yaml", "name: dep\nversion: 1.2.0\n")
    write("v1/templates/t.yaml", "t: 1\n")

    # .helmignore rules: negation (as odd as Helm's), folders, rooted paths, globs.
    write("ignore/Chart.yaml", chart_yaml("ignore"))
    write("ignore/.helmignore", b"\xef\xbb\xbf*.tmp\r\nsecret?.txt\n/docs/\nsub/*.md\n[ab].log\n  # indented comment\n")
    write("negate/Chart.yaml", chart_yaml("negate"))
    write("negate/.helmignore", "!*.yaml\n")
    write("negate/values.yaml", "a: 1\n")
    write("negate/notes.txt", "x\n")
    for f in ["keep.tmp", "drop.tmp", "secret1.txt", "secret12.txt", "docs/guide.md", "sub/a.md", "sub/deeper/b.md",
              "a.log", "c.log", "templates/t.yaml", "other/docs/x.txt"]:
        write("ignore/" + f, f + "\n")
    write("badignore/Chart.yaml", chart_yaml("badignore"))
    write("badignore/.helmignore", "templates/**/x\n")
    write("badpattern/Chart.yaml", chart_yaml("badpattern"))
    write("badpattern/.helmignore", "[\n")

    # Symbolic links in a folder: followed, as Helm does.
    write("outside/shared.yaml", "shared: 1\n")
    write("outside/dir/t.yaml", "linked: 1\n")
    write("links/Chart.yaml", chart_yaml("links"))
    write("links/real.txt", "real\n")
    os.symlink("real.txt", os.path.join(FIX, "links/alias.txt"))
    os.symlink("../outside/shared.yaml", os.path.join(FIX, "links/templates-shared.yaml"))
    os.makedirs(os.path.join(FIX, "links/templates"))
    os.symlink("../../outside/dir", os.path.join(FIX, "links/templates/linked"))
    write("dangling/Chart.yaml", chart_yaml("dangling"))
    os.symlink("missing.txt", os.path.join(FIX, "dangling/broken.txt"))

    # Invalid charts in folders.
    write("nochart/values.yaml", "a: 1\n")
    write("badsub/Chart.yaml", chart_yaml("badsub"))
    write("badsub/charts/broken/Chart.yaml", "apiVersion: v2\nname: broken\n")
    write("yamlfile.yaml", "apiVersion: v2\n")
    write("notgzip.tgz", "apiVersion: v2\nname: x\n")
    write("empty.tgz", "")
    write("binary.tgz", bytes(range(256)) * 4)

    # Archives: a good one, and hostile ones.
    good = [("good/Chart.yaml", chart_yaml("good", "2.0.0")), ("good/values.yaml", b"\xef\xbb\xbfa: 1\n"),
            ("good/templates/", None, "dir"), ("good/templates/b.yaml", "b\n"), ("good/templates/a.yaml", "a\n"),
            ("good/" + "long-" * 30 + "name.txt", "a name longer than 100 bytes\n"),
            ("good/charts/sub/Chart.yaml", chart_yaml("sub", "0.0.1"))]
    write_tgz("good.tgz", good)
    write("truncated.tgz", tgz("good", good)[:200])
    write_tgz("traversal.tgz", [("evil/Chart.yaml", chart_yaml("evil")), ("evil/../../etc/passwd", "root\n")])
    write_tgz("absolute.tgz", [("evil/Chart.yaml", chart_yaml("evil")), ("evil//etc/passwd", "root\n")])
    write_tgz("rootfile.tgz", [("evil/Chart.yaml", chart_yaml("evil")), ("README", "at the top\n")])
    write_tgz("dotdot-name.tgz", [("evil/Chart.yaml", chart_yaml("evil")), ("evil/..hidden", "x\n")])
    write_tgz("drive.tgz", [("evil/Chart.yaml", chart_yaml("evil")), ("evil/C:/x", "x\n")])
    write_tgz("backslash.tgz", [("Chart.yaml\\x", chart_yaml("evil"))])
    write_tgz("symlink.tgz", [("evil/Chart.yaml", chart_yaml("evil")), ("evil/templates/passwd", "/etc/passwd", "sym")])
    write_tgz("hardlink.tgz", [("evil/Chart.yaml", chart_yaml("evil")), ("evil/templates/passwd", "/etc/passwd", "lnk")])
    write_tgz("fifo.tgz", [("evil/Chart.yaml", chart_yaml("evil")), ("evil/pipe", None, "fifo")])
    write_tgz("two-top.tgz", [("one/Chart.yaml", chart_yaml("one")), ("two/Chart.yaml", chart_yaml("two", "0.2.0"))])
    write_tgz("empty-tar.tgz", [])
    write_tgz("only-dirs.tgz", [("x/", None, "dir"), ("x/templates/", None, "dir")])
    write_tgz("oversize-file.tgz", [("big/Chart.yaml", chart_yaml("big")), ("big/blob.bin", b"\0" * (5 * 1024 * 1024 + 1))])
    write_tgz("file-at-cap.tgz", [("big/Chart.yaml", chart_yaml("big")), ("big/blob.bin", b"\0" * (5 * 1024 * 1024))])
    bomb = [("bomb/Chart.yaml", chart_yaml("bomb"))] + [(f"bomb/files/{i:02}.bin", b"\0" * (5 * 1024 * 1024)) for i in range(21)]
    write_tgz("bomb.tgz", bomb)
    write_tgz("nested-bad.tgz", [("outer/Chart.yaml", chart_yaml("outer")),
                                 ("outer/charts/inner-0.1.0.tgz", tgz("inner", [("inner/Chart.yaml", chart_yaml("inner")), ("inner/../x", "x")]))])
    write_tgz("tgz-folder.tgz", [("outer/Chart.yaml", chart_yaml("outer")), ("outer/charts/x.tgz/Chart.yaml", chart_yaml("x"))])


if __name__ == "__main__":
    main()
