//! `helmrs repo|search|show|pull|push` and installs from `repo/chart` and `oci://` against the
//! real `helm` (HELM_API_TEST_HELM): a real nginx serving a chart repository (basic auth, TLS)
//! and a real docker-registry (htpasswd, TLS), both started here on loopback with repo-index's
//! test harness; outputs compared byte for byte where Helm is deterministic, charts pushed by
//! helm pulled by helmrs and the other way round; installs on HELM_API_TEST_KUBECONFIG.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr, clippy::panic)]

#[path = "../../../crates/repo-index/tests/support/services.rs"]
mod services;

use std::path::{Path, PathBuf};
use std::process::Command;

use services::{Nginx, Registry, TempDir, require_binary};

/// A service variable, or `None` (after one line on stderr) when the test may be skipped.
fn service(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ if std::env::var("HELM_API_TEST_REQUIRE").as_deref() == Ok("1") => {
            panic!("{test}: {var} is not set and HELM_API_TEST_REQUIRE=1")
        }
        _ => {
            eprintln!("{test}: skipped, {var} is not set");
            None
        }
    }
}

/// One tool (helm or helmrs) with its own Helm home folders.
struct Tool {
    program: PathBuf,
    home: PathBuf,
}

struct Output {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Tool {
    fn new(program: impl Into<PathBuf>, home: PathBuf) -> Tool {
        std::fs::create_dir_all(&home).unwrap();
        Tool { program: program.into(), home }
    }

    fn run_in(&self, dir: &Path, args: &[&str]) -> Output {
        let out = Command::new(&self.program)
            .args(args)
            .current_dir(dir)
            .env("HOME", &self.home)
            .env("HELM_CACHE_HOME", self.home.join("cache"))
            .env("HELM_CONFIG_HOME", self.home.join("config"))
            .env("HELM_DATA_HOME", self.home.join("data"))
            .env("HELM_REPOSITORY_CONFIG", self.home.join("config/repositories.yaml"))
            .env("HELM_REPOSITORY_CACHE", self.home.join("cache/repository"))
            .env("HELM_REGISTRY_CONFIG", self.home.join("config/registry/config.json"))
            .env_remove("HELM_DRIVER")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_CACHE_HOME")
            .output()
            .expect("running a command");
        Output {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.home, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.ok, "{} {args:?}: {}", self.program.display(), out.stderr);
        out.stdout
    }
}

struct Pair {
    helm: Tool,
    ours: Tool,
}

impl Pair {
    fn new(helm: &Path, dir: &Path) -> Pair {
        Pair {
            helm: Tool::new(helm, dir.join("helm")),
            ours: Tool::new(env!("CARGO_BIN_EXE_helmrs"), dir.join("ours")),
        }
    }

    /// Both succeed with the same stdout, which is returned.
    fn same(&self, args: &[&str]) -> String {
        let want = self.helm.ok(args);
        let got = self.ours.ok(args);
        assert_eq!(got, want, "stdout of {args:?}");
        want
    }

    /// Both succeed with the same stdout lines in any order (Helm's concurrent output).
    fn same_lines(&self, args: &[&str]) {
        let sorted = |s: String| {
            let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
            lines.sort();
            lines
        };
        assert_eq!(sorted(self.ours.ok(args)), sorted(self.helm.ok(args)), "stdout lines of {args:?}");
    }

    /// Both fail with the same stderr (and stdout).
    fn same_error(&self, args: &[&str]) -> String {
        let want = self.helm.run(args);
        let got = self.ours.run(args);
        assert!(!want.ok && !got.ok, "{args:?} should fail: helm {}, helmrs {}", want.stderr, got.stderr);
        assert_eq!(got.stderr, want.stderr, "stderr of {args:?}");
        assert_eq!(got.stdout, want.stdout, "stdout of {args:?}");
        want.stderr
    }
}

/// Writes a chart folder `dir/name` with a values file, a README, a CRD and a ConfigMap template.
fn write_chart(dir: &Path, name: &str, version: &str, description: &str) -> PathBuf {
    let chart = dir.join(format!("src-{name}-{version}")).join(name);
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::create_dir_all(chart.join("crds")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: {name}\nversion: {version}\nappVersion: \"{version}-app\"\ndescription: {description}\nkeywords:\n  - demo\n  - web\nmaintainers:\n  - name: Someone\n    email: someone@example.com\nannotations:\n  category: Test\n"
        ),
    )
    .unwrap();
    std::fs::write(
        chart.join("values.yaml"),
        "# Default values.\nmessage: hello\nreplicas: 1\nnested:\n  list: [a, b]\n",
    )
    .unwrap();
    std::fs::write(chart.join("README.md"), format!("# {name}\n\nA chart for tests, version {version}.\n")).unwrap();
    std::fs::write(
        chart.join("crds/widgets.yaml"),
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\ndata:\n  message: {{ .Values.message | quote }}\n  version: {{ .Chart.Version | quote }}\n",
    )
    .unwrap();
    chart
}

/// Packages `chart` with the real helm into `dest`; the archive's path.
fn package(helm: &Tool, chart: &Path, dest: &Path) -> PathBuf {
    std::fs::create_dir_all(dest).unwrap();
    helm.ok(&["package", chart.to_str().unwrap(), "-d", dest.to_str().unwrap()]);
    let name = chart.file_name().unwrap().to_str().unwrap();
    let version = std::fs::read_to_string(chart.join("Chart.yaml"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("version: ").map(str::to_string))
        .unwrap();
    dest.join(format!("{name}-{version}.tgz"))
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Every file under `root` with its bytes, by relative path.
fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_str().unwrap().to_owned();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn helm_and_nginx(test: &str) -> Option<(PathBuf, Nginx)> {
    let helm = PathBuf::from(service("HELM_API_TEST_HELM", test)?);
    require_binary("openssl", test)?;
    let nginx = Nginx::start(&require_binary("nginx", test)?);
    Some((helm, nginx))
}

/// The HTTP repositories: a private one (basic auth, TLS with the test CA) and a public one.
fn publish_repositories(pair: &Pair, nginx: &Nginx, work: &Path) {
    let private = nginx.www.join("private");
    let public = nginx.www.join("public");
    for (name, version, description) in [
        ("demo", "1.0.0", "A demo chart & friends"),
        ("demo", "1.1.0", "A demo chart & friends"),
        ("demo", "2.0.0-rc.1", "A demo chart & friends (preview)"),
        ("webapp", "0.3.0", "A web application with a description that is longer than fifty characters"),
    ] {
        let chart = write_chart(work, name, version, description);
        package(&pair.helm, &chart, &private);
    }
    let tools = write_chart(work, "tools", "3.2.1", "Tools <for> operators");
    package(&pair.helm, &tools, &public);
    pair.helm.ok(&["repo", "index", private.to_str().unwrap()]);
    pair.helm.ok(&["repo", "index", public.to_str().unwrap(), "--url", &nginx.http("public")]);
}

#[test]
fn http_repository_commands_match_helm() {
    let test = "http_repository_commands_match_helm";
    let Some((helm, nginx)) = helm_and_nginx(test) else { return };
    let dir = TempDir::new("helmrs-repo");
    let pair = Pair::new(&helm, &dir.0);
    publish_repositories(&pair, &nginx, &dir.0);
    let ca = nginx.certs.ca.to_str().unwrap().to_string();
    let private_url = nginx.https("private");
    let public_url = nginx.http("public");

    // Nothing configured yet.
    pair.same_error(&["repo", "list"]);
    assert_eq!(pair.same(&["repo", "list", "-o", "json"]), "[]\n");
    pair.same_error(&["repo", "update"]);
    pair.same_error(&["search", "repo", "demo"]);
    pair.same_error(&["repo", "remove", "nothing"]);

    // Bad credentials and an unknown CA are refused; the error names the URL.
    for tool in [&pair.helm, &pair.ours] {
        let out = tool.run(&[
            "repo",
            "add",
            "private",
            &private_url,
            "--username",
            "helm",
            "--password",
            "wrong",
            "--ca-file",
            &ca,
        ]);
        assert!(
            !out.ok && out.stderr.contains(&format!("looks like \"{private_url}\" is not a valid chart repository")),
            "{}",
            out.stderr
        );
        let out = tool.run(&["repo", "add", "private", &private_url, "--username", "helm", "--password", "s3cret"]);
        assert!(!out.ok && out.stderr.contains(&private_url), "{}", out.stderr);
    }
    pair.same_error(&["repo", "add", "a/b", &public_url]);

    let add_private = [
        "repo",
        "add",
        "private",
        private_url.as_str(),
        "--username",
        "helm",
        "--password",
        "s3cret",
        "--ca-file",
        ca.as_str(),
    ];
    assert_eq!(pair.same(&add_private), "\"private\" has been added to your repositories\n");
    assert_eq!(pair.same(&add_private), "\"private\" already exists with the same configuration, skipping\n");
    pair.same(&["repo", "add", "public", &public_url]);
    pair.same_error(&["repo", "add", "public", &private_url]);
    pair.same(&["repo", "add", "public", &public_url, "--force-update"]);
    let files = |t: &Tool| std::fs::read_to_string(t.home.join("config/repositories.yaml")).unwrap();
    assert_eq!(files(&pair.ours), files(&pair.helm), "repositories.yaml");
    let cached = |t: &Tool, f: &str| std::fs::read(t.home.join("cache/repository").join(f)).unwrap();
    for f in ["private-index.yaml", "public-index.yaml"] {
        assert_eq!(cached(&pair.ours, f), cached(&pair.helm, f), "{f}");
    }
    // Helm writes the chart names by ranging over a Go map: the same lines, in a random order.
    let lines = |t: &Tool, f: &str| {
        let mut names: Vec<String> = String::from_utf8(cached(t, f)).unwrap().lines().map(str::to_owned).collect();
        names.sort();
        names
    };
    for f in ["private-charts.txt", "public-charts.txt"] {
        assert_eq!(lines(&pair.ours, f), lines(&pair.helm, f), "{f}");
    }

    pair.same(&["repo", "list"]);
    pair.same(&["repo", "list", "-o", "json"]);
    pair.same(&["repo", "list", "-o", "yaml"]);
    pair.same_lines(&["repo", "update"]);
    pair.same(&["repo", "update", "public"]);
    pair.same_error(&["repo", "update", "nope"]);
    // A repository whose index went away: Helm's failure lines, then success or the error.
    std::fs::create_dir_all(nginx.www.join("gone")).unwrap();
    std::fs::copy(nginx.www.join("public/index.yaml"), nginx.www.join("gone/index.yaml")).unwrap();
    pair.same(&["repo", "add", "gone", &nginx.http("gone")]);
    std::fs::remove_file(nginx.www.join("gone/index.yaml")).unwrap();
    pair.same(&["repo", "update", "gone"]);
    let failed = pair.same_error(&["repo", "update", "gone", "--fail-on-repo-update-fail"]);
    assert!(failed.contains(&nginx.http("gone")), "{failed}");
    pair.same(&["repo", "remove", "gone"]);

    for args in [
        &["search", "repo"][..],
        &["search", "repo", "demo"],
        &["search", "repo", "demo", "--versions"],
        &["search", "repo", "demo", "--devel"],
        &["search", "repo", "demo", "--version", "^1.0"],
        &["search", "repo", "demo", "--version", ">=1.1.0", "--versions"],
        &["search", "repo", "web"],
        &["search", "repo", "operators"],
        &["search", "repo", "-r", "d[e]mo|tool"],
        &["search", "repo", "-o", "json"],
        &["search", "repo", "--versions", "--devel", "-o", "json"],
        &["search", "repo", "-o", "yaml"],
        &["search", "repo", "nothing-like-this"],
        &["search", "repo", "--max-col-width", "20"],
    ] {
        pair.same(args);
    }
    pair.same_error(&["search", "repo", "nothing-like-this", "--fail-on-no-result"]);
    // A repository whose cached index is gone: skipped with Helm's two warnings.
    for tool in [&pair.helm, &pair.ours] {
        std::fs::rename(
            tool.home.join("cache/repository/public-index.yaml"),
            tool.home.join("cache/repository/public-index.yaml.away"),
        )
        .unwrap();
    }
    let (want, got) = (pair.helm.run(&["search", "repo", "tools"]), pair.ours.run(&["search", "repo", "tools"]));
    assert_eq!((got.ok, &got.stdout), (want.ok, &want.stdout), "search with a missing index");
    let home_free = |o: &Output, t: &Tool| o.stderr.replace(t.home.to_str().unwrap(), "HOME");
    assert_eq!(home_free(&got, &pair.ours), home_free(&want, &pair.helm), "warnings for a missing index");
    for tool in [&pair.helm, &pair.ours] {
        std::fs::rename(
            tool.home.join("cache/repository/public-index.yaml.away"),
            tool.home.join("cache/repository/public-index.yaml"),
        )
        .unwrap();
    }
    pair.same_error(&["search", "repo", "--version", "not a constraint"]);

    for args in [
        &["show", "chart", "private/demo"][..],
        &["show", "chart", "private/demo", "--version", "1.0.0"],
        &["show", "chart", "private/demo", "--devel"],
        &["show", "values", "private/demo"],
        &["show", "readme", "private/webapp"],
        &["show", "crds", "public/tools"],
        &["show", "all", "private/demo", "--version", "~1.0"],
        &[
            "show",
            "chart",
            "webapp",
            "--repo",
            &private_url,
            "--username",
            "helm",
            "--password",
            "s3cret",
            "--ca-file",
            &ca,
        ],
        &["show", "values", &format!("{public_url}/tools-3.2.1.tgz")],
    ] {
        pair.same(args);
    }
    pair.same_error(&["show", "chart", "private/nope"]);
    pair.same_error(&["show", "chart", "private/demo", "--version", "9.9.9"]);
    pair.same_error(&["show", "chart", "unknown/demo"]);
    pair.same_error(&["show", "chart", "./no-such-chart"]);

    // pull: the archive, its name, and --untar's tree are Helm's.
    for (sub, args) in [
        ("latest", &["pull", "private/demo"][..]),
        ("exact", &["pull", "private/demo", "--version", "1.0.0"]),
        ("devel", &["pull", "private/demo", "--devel"]),
        ("untar", &["pull", "private/webapp", "--untar"]),
        ("untardir", &["pull", "public/tools", "--untar", "--untardir", "expanded"]),
        ("repo", &["pull", "tools", "--repo", &public_url]),
    ] {
        let mut trees = Vec::new();
        for tool in [&pair.helm, &pair.ours] {
            let dest = tool.home.join("pulls").join(sub);
            std::fs::create_dir_all(&dest).unwrap();
            let mut full: Vec<&str> = args.to_vec();
            full.extend(["-d", dest.to_str().unwrap()]);
            let out = tool.run(&full);
            assert!(out.ok, "{} {full:?}: {}", tool.program.display(), out.stderr);
            trees.push(tree(&dest));
        }
        assert!(!trees[0].is_empty(), "{sub}: helm pulled nothing");
        assert_eq!(trees[1], trees[0], "pull {sub}");
    }

    // Untarring over an existing folder is refused, as Helm does.
    for tool in [&pair.helm, &pair.ours] {
        std::fs::create_dir_all(tool.home.join("conflict/webapp")).unwrap();
    }
    let conflict = pair.same_error(&["pull", "private/webapp", "--untar", "--untardir", "conflict"]);
    assert!(conflict.contains("already exists"), "{conflict}");

    // template from repo/chart.
    pair.same(&["template", "rel", "private/demo", "--version", "1.0.0", "--set", "message=hi"]);
    pair.same(&["template", "rel", "public/tools"]);

    assert_eq!(pair.same(&["repo", "remove", "public"]), "\"public\" has been removed from your repositories\n");
    assert!(!pair.ours.home.join("cache/repository/public-index.yaml").exists());
    pair.same_error(&["repo", "remove", "public"]);
    pair.same(&["repo", "list"]);
    assert_eq!(files(&pair.ours), files(&pair.helm), "repositories.yaml after remove");
}

#[test]
fn oci_registry_push_and_pull_both_ways() {
    let test = "oci_registry_push_and_pull_both_ways";
    let Some(helm) = service("HELM_API_TEST_HELM", test) else { return };
    let Some(_) = require_binary("openssl", test) else { return };
    let Some(_) = require_binary("perl", test) else { return };
    let Some(binary) = require_binary("docker-registry", test) else { return };
    let registry = Registry::start_with(&binary, true, true);
    let dir = TempDir::new("helmrs-oci");
    let pair = Pair::new(Path::new(&helm), &dir.0);
    let ca = registry.certs.as_ref().unwrap().ca.to_str().unwrap().to_string();
    let remote = format!("oci://{}/charts", registry.host());
    let auth = ["--username", "helm", "--password", "s3cret", "--ca-file", ca.as_str()];
    let packages = dir.0.join("packages");
    let by_helm = package(&pair.helm, &write_chart(&dir.0, "oci-demo", "1.0.0", "Pushed by helm"), &packages);
    let by_ours = package(&pair.helm, &write_chart(&dir.0, "oci-demo", "1.1.0+build.7", "Pushed by helmrs"), &packages);
    let prerelease = package(&pair.helm, &write_chart(&dir.0, "oci-demo", "2.0.0-beta.1", "Preview"), &packages);

    // Bad push arguments fail with Helm's words.
    let missing = dir.0.join("missing-1.0.0.tgz");
    for bad in [
        vec!["push", missing.to_str().unwrap(), remote.as_str()],
        vec!["push", packages.to_str().unwrap(), remote.as_str()],
        vec!["push", by_helm.to_str().unwrap(), "https://example.com/charts"],
    ] {
        let (want, got) = (pair.helm.run(&bad), pair.ours.run(&bad));
        assert!(!want.ok && !got.ok, "{bad:?} should fail");
        assert_eq!(got.stderr, want.stderr, "{bad:?}");
    }
    // Without credentials the registry refuses a push.
    let out = pair.ours.run(&["push", by_ours.to_str().unwrap(), &remote, "--ca-file", &ca]);
    assert!(!out.ok, "anonymous push should fail");

    let with = |base: &[&str]| -> Vec<String> { base.iter().chain(auth.iter()).map(|s| s.to_string()).collect() };
    pair.helm.ok(&args(&with(&["push", by_helm.to_str().unwrap(), &remote])));
    let pushed = pair.ours.run(&args(&with(&["push", by_ours.to_str().unwrap(), &remote])));
    assert!(pushed.ok, "helmrs push: {}", pushed.stderr);
    assert!(
        pushed
            .stderr
            .starts_with(&format!("Pushed: {}/charts/oci-demo:1.1.0_build.7\nDigest: sha256:", registry.host())),
        "{}",
        pushed.stderr
    );
    pair.ours.ok(&args(&with(&["push", prerelease.to_str().unwrap(), &remote])));

    let reference = format!("{remote}/oci-demo");
    // Pulls by both tools give the archives that were pushed, whoever pushed them.
    for (version, archive) in [
        ("1.0.0", &by_helm),
        ("1.1.0+build.7", &by_ours),
        ("", &by_ours),
        ("^1.0", &by_ours),
        ("2.0.0-beta.1", &prerelease),
    ] {
        for tool in [&pair.helm, &pair.ours] {
            let dest = tool.home.join(format!("oci-pull-{}", version.replace(['^', '+'], "_")));
            std::fs::create_dir_all(&dest).unwrap();
            let mut a = with(&["pull", &reference, "-d", dest.to_str().unwrap()]);
            if !version.is_empty() {
                a.extend(["--version".to_string(), version.to_string()]);
            }
            let out = tool.run(&args(&a));
            assert!(out.ok, "{} pull {version}: {}", tool.program.display(), out.stderr);
            let files = tree(&dest);
            assert_eq!(files.len(), 1, "{files:?}");
            assert_eq!(files[0].1, std::fs::read(archive).unwrap(), "{} pull {version}", tool.program.display());
        }
        let names =
            |t: &Tool| tree(&t.home.join(format!("oci-pull-{}", version.replace(['^', '+'], "_"))))[0].0.clone();
        assert_eq!(names(&pair.ours), names(&pair.helm), "pulled file name for {version:?}");
    }

    // Credentials stored by `helm registry login` (HELM_REGISTRY_CONFIG) are used by helmrs.
    let login = Tool::new(Path::new(&helm), pair.ours.home.clone());
    login.ok(&["registry", "login", &registry.host(), "--username", "helm", "--password", "s3cret", "--ca-file", &ca]);
    let dest = pair.ours.home.join("oci-pull-login");
    std::fs::create_dir_all(&dest).unwrap();
    let out =
        pair.ours.run(&["pull", &reference, "--version", "1.0.0", "--ca-file", &ca, "-d", dest.to_str().unwrap()]);
    assert!(out.ok, "helmrs pull with stored credentials: {}", out.stderr);
    assert_eq!(tree(&dest)[0].1, std::fs::read(&by_helm).unwrap());
    login.ok(&["registry", "logout", &registry.host()]);
    let out =
        pair.ours.run(&["pull", &reference, "--version", "1.0.0", "--ca-file", &ca, "-d", dest.to_str().unwrap()]);
    assert!(!out.ok, "pull after logout should need credentials");
    // And the other way round: helmrs registry login, the real helm pulls with what it stored.
    let wrong = pair.ours.run(&["registry", "login", &registry.host(), "-u", "helm", "-p", "bad", "--ca-file", &ca]);
    assert!(!wrong.ok && wrong.stderr.contains("authenticating to"), "{}", wrong.stderr);
    let ok = pair.ours.run(&["registry", "login", &registry.host(), "-u", "helm", "-p", "s3cret", "--ca-file", &ca]);
    assert!(ok.ok && ok.stderr == "Login Succeeded\n", "{}", ok.stderr);
    let helm_with_ours = Tool::new(Path::new(&helm), pair.ours.home.clone());
    let dest = pair.ours.home.join("oci-pull-helm-login");
    std::fs::create_dir_all(&dest).unwrap();
    helm_with_ours.ok(&["pull", &reference, "--version", "1.0.0", "--ca-file", &ca, "-d", dest.to_str().unwrap()]);
    assert_eq!(tree(&dest)[0].1, std::fs::read(&by_helm).unwrap());
    let out = pair.ours.run(&["registry", "logout", &registry.host()]);
    assert_eq!(out.stderr, format!("Removing login credentials for {}\n", registry.host()));

    // show and template from oci:// (Helm reports the pull on stderr).
    for base in [
        &["show", "chart", &reference][..],
        &["show", "all", &reference, "--version", "1.0.0"],
        &["template", "rel", &reference, "--version", "1.1.0+build.7"],
    ] {
        let a = with(base);
        let want = pair.helm.run(&args(&a));
        let got = pair.ours.run(&args(&a));
        assert!(want.ok && got.ok, "{a:?}: {} / {}", want.stderr, got.stderr);
        assert_eq!(got.stdout, want.stdout, "{a:?}");
        assert_eq!(got.stderr, want.stderr, "{a:?}");
    }
    // A tag that does not exist, and a constraint nothing meets.
    for base in [
        &["show", "chart", &reference, "--version", "9.9.9"][..],
        &["show", "chart", &reference, "--version", "^5"],
        &["show", "chart", &format!("{reference}:1.0.0"), "--version", "1.1.0"],
        &["pull", &format!("{remote}/missing")],
    ] {
        let a = with(base);
        let (want, got) = (pair.helm.run(&args(&a)), pair.ours.run(&args(&a)));
        assert!(!want.ok && !got.ok, "{a:?} should fail");
        assert_eq!(got.stderr, want.stderr, "{a:?}");
    }
}

#[test]
fn install_and_upgrade_from_repository_and_registry() {
    let test = "install_and_upgrade_from_repository_and_registry";
    let Some(kubeconfig) = service("HELM_API_TEST_KUBECONFIG", test) else { return };
    let Some((helm, nginx)) = helm_and_nginx(test) else { return };
    let Some(binary) = require_binary("docker-registry", test) else { return };
    let Some(_) = require_binary("perl", test) else { return };
    let registry = Registry::start_with(&binary, true, true);
    let dir = TempDir::new("helmrs-install");
    let pair = Pair::new(&helm, &dir.0);
    publish_repositories(&pair, &nginx, &dir.0);
    let ca = nginx.certs.ca.to_str().unwrap().to_string();
    let private_url = nginx.https("private");
    pair.same(&[
        "repo",
        "add",
        "private",
        &private_url,
        "--username",
        "helm",
        "--password",
        "s3cret",
        "--ca-file",
        &ca,
    ]);
    let ns = format!("helmrs-repo-{}", std::process::id());
    let k = ["--kubeconfig", kubeconfig.as_str(), "-n", ns.as_str()];
    let with_k = |base: &[&str]| -> Vec<String> { base.iter().chain(k.iter()).map(|s| s.to_string()).collect() };

    pair.ours.ok(&args(&with_k(&[
        "install",
        "from-repo",
        "private/demo",
        "--version",
        "1.0.0",
        "--create-namespace",
        "--skip-crds",
    ])));
    let list = pair.helm.ok(&args(&with_k(&["list", "-o", "json"])));
    assert!(list.contains("\"chart\":\"demo-1.0.0\""), "{list}");
    pair.ours.ok(&args(&with_k(&["upgrade", "from-repo", "private/demo"])));
    let status = pair.helm.ok(&args(&with_k(&["get", "values", "from-repo", "--all", "-o", "json"])));
    assert!(status.contains("\"message\":\"hello\""), "{status}");
    let list = pair.helm.ok(&args(&with_k(&["list", "-o", "json"])));
    assert!(list.contains("\"chart\":\"demo-1.1.0\""), "{list}");

    // From a registry: helm pushes, helmrs installs and upgrades with --version.
    let registry_ca = registry.certs.as_ref().unwrap().ca.to_str().unwrap().to_string();
    let auth = ["--username", "helm", "--password", "s3cret", "--ca-file", registry_ca.as_str()];
    let remote = format!("oci://{}/charts", registry.host());
    for version in ["0.1.0", "0.2.0"] {
        let archive =
            package(&pair.helm, &write_chart(&dir.0, "oci-app", version, "From a registry"), &dir.0.join("pk"));
        let mut a = vec!["push", archive.to_str().unwrap(), remote.as_str()];
        a.extend(auth);
        pair.helm.ok(&a);
    }
    let reference = format!("{remote}/oci-app");
    let mut a = with_k(&["install", "from-oci", &reference, "--version", "0.1.0", "--skip-crds"]);
    a.extend(auth.iter().map(|s| s.to_string()));
    pair.ours.ok(&args(&a));
    let mut a = with_k(&["upgrade", "from-oci", &reference, "--version", "~0.2"]);
    a.extend(auth.iter().map(|s| s.to_string()));
    pair.ours.ok(&args(&a));
    let list = pair.helm.ok(&args(&with_k(&["list", "-o", "json"])));
    assert!(list.contains("\"chart\":\"oci-app-0.2.0\""), "{list}");

    for name in ["from-repo", "from-oci"] {
        pair.helm.ok(&args(&with_k(&["uninstall", name])));
    }
    let _ = Command::new("kubectl")
        .args(["--kubeconfig", &kubeconfig, "delete", "namespace", &ns, "--wait=false"])
        .output();
}
