//! Bare Pod hooks on the cluster (HELM_API_TEST_KUBECONFIG), helmrs against the real `helm`
//! (HELM_API_TEST_HELM): a pre-install Pod hook runs to Succeeded and is recorded as Helm records it,
//! and `helmrs test --logs` prints the test Pods' logs byte for byte as `helm test --logs` does.
//! The cluster's KWOK completes bare Pods with `restartPolicy: Never` and serves one fake log for
//! every container (xtask/src/cluster/kwok.rs). Each tool works in its own namespace; outputs are
//! compared once the namespace names and the times Helm prints are masked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

#[path = "support/times.rs"]
mod times;
use times::mask_times;

/// The lines KWOK serves as every container's log (xtask/src/cluster/kwok.rs CONTAINER_LOG_LINES).
const KWOK_LOG: &str = "fake container log: KWOK runs no containers\ndone\n";

fn service(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ if std::env::var("HELM_API_TEST_REQUIRE").as_deref() == Ok("1") => {
            panic!("{var} is not set and HELM_API_TEST_REQUIRE=1")
        }
        _ => {
            eprintln!("skipping test_logs: {var} is not set");
            None
        }
    }
}

/// One command's outcome: success, stdout, stderr (namespace and times masked).
type Outcome = (bool, String, String);

struct Tools {
    helm: String,
    kubeconfig: String,
    /// `(helm's namespace, helmrs's namespace)`.
    ns: (String, String),
}

impl Tools {
    fn new(tag: &str) -> Option<Self> {
        let helm = service("HELM_API_TEST_HELM")?;
        let kubeconfig = service("HELM_API_TEST_KUBECONFIG")?;
        let pid = std::process::id();
        Some(Self { helm, kubeconfig, ns: (format!("tl-{tag}-hl-{pid}"), format!("tl-{tag}-rs-{pid}")) })
    }

    fn run(&self, program: &str, ns: &str, args: &[&str]) -> Outcome {
        let out = Command::new(program)
            .args(args)
            .args(["--namespace", ns, "--kubeconfig", &self.kubeconfig])
            .env("HELM_CACHE_HOME", std::env::temp_dir().join("tl-helm-cache"))
            .env("HELM_CONFIG_HOME", std::env::temp_dir().join("tl-helm-config"))
            .env("HELM_DATA_HOME", std::env::temp_dir().join("tl-helm-data"))
            .env_remove("HELM_DRIVER")
            .output()
            .expect("running a command");
        let mask = |text: &[u8]| mask_times(&String::from_utf8_lossy(text).replace(ns, "NAMESPACE"));
        (out.status.success(), mask(&out.stdout), mask(&out.stderr))
    }

    /// Runs `args` with helm in its namespace and helmrs in its own; records any difference in
    /// success, stdout or (on failure) stderr; returns helmrs's outcome.
    fn compare(&self, args: &[&str], mismatches: &mut Vec<String>) -> Outcome {
        let expected = self.run(&self.helm, &self.ns.0, args);
        let got = self.run(env!("CARGO_BIN_EXE_helmrs"), &self.ns.1, args);
        let same = expected.0 == got.0 && expected.1 == got.1 && (expected.0 || expected.2 == got.2);
        if !same {
            mismatches.push(format!(
                "{args:?}\n--- helm ({})\n{}{}\n--- helmrs ({})\n{}{}",
                expected.0, expected.1, expected.2, got.0, got.1, got.2
            ));
        }
        got
    }

    /// The real helm reads both namespaces' release with `args`: what helmrs stored must read as
    /// what helm stored.
    fn compare_stored(&self, args: &[&str], mismatches: &mut Vec<String>) -> String {
        let expected = self.run(&self.helm, &self.ns.0, args);
        let got = self.run(&self.helm, &self.ns.1, args);
        if expected != got {
            mismatches.push(format!(
                "helm {args:?} over each tool's release\n--- stored by helm\n{}{}\n--- stored by helmrs\n{}{}",
                expected.1, expected.2, got.1, got.2
            ));
        }
        got.1
    }

    fn clean_up(&self, releases: &[&str]) {
        for r in releases {
            let _ = self.run(&self.helm, &self.ns.0, &["uninstall", r]);
            let _ = self.run(env!("CARGO_BIN_EXE_helmrs"), &self.ns.1, &["uninstall", r]);
        }
        for ns in [&self.ns.0, &self.ns.1] {
            let _ = Command::new("kubectl")
                .args(["--kubeconfig", &self.kubeconfig, "delete", "namespace", ns, "--wait=false"])
                .output();
        }
    }
}

fn chart() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pod-hooks").display().to_string()
}

#[test]
fn test_logs_of_test_pods_match_real_helm() {
    let Some(t) = Tools::new("logs") else { return };
    let c = chart();
    let c = c.as_str();
    let mut mismatches = Vec::new();
    let m = &mut mismatches;
    let installed = t.compare(&["install", "ph", c, "--create-namespace"], m);
    assert!(installed.0, "helmrs install failed: {}{}", installed.1, installed.2);

    // Both test Pods run to Succeeded; their logs follow the status, by hook weight.
    let tested = t.compare(&["test", "ph", "--logs"], m);
    assert!(tested.0, "helmrs test failed: {}{}", tested.1, tested.2);
    for pod in ["ph-test-config", "ph-test-echo"] {
        let logs = format!("POD LOGS: {pod}\n{KWOK_LOG}\n");
        assert!(tested.1.contains(&logs), "no logs of {pod} in:\n{}", tested.1);
    }
    assert!(tested.1.find("POD LOGS: ph-test-config") < tested.1.find("POD LOGS: ph-test-echo"), "{}", tested.1);
    // Again: each test Pod is deleted before it is created anew (before-hook-creation).
    t.compare(&["test", "ph", "--logs"], m);
    t.compare(&["test", "ph", "--logs", "--filter", "name=ph-test-echo"], m);
    t.compare(&["test", "ph", "--logs", "--filter", "!name=ph-test-echo", "--hide-notes"], m);
    t.compare(&["test", "ph"], m);
    t.compare(&["status", "ph"], m);
    // The real helm reads helmrs's record of the test runs.
    let stored = t.run(&t.helm, &t.ns.1, &["status", "ph", "-o", "json"]).1;
    assert_eq!(stored.matches(r#""phase":"Succeeded""#).count(), 3, "{stored}");

    t.clean_up(&["ph"]);
    assert!(mismatches.is_empty(), "{} outputs differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[test]
fn bare_pod_pre_install_hook_runs_and_shows_as_in_helm() {
    let Some(t) = Tools::new("hook") else { return };
    let c = chart();
    let c = c.as_str();
    let mut mismatches = Vec::new();
    let m = &mut mismatches;
    // Kept after it ran (Helm's default policy, before-hook-creation), then deleted once it succeeded.
    let kept = t.compare(&["install", "kept", c, "--create-namespace"], m);
    assert!(kept.0, "helmrs install failed: {}{}", kept.1, kept.2);
    let gone = t.compare(&["install", "gone", c, "--set", "hookDeletePolicy=hook-succeeded"], m);
    assert!(gone.0, "helmrs install failed: {}{}", gone.1, gone.2);
    for r in ["kept", "gone"] {
        t.compare(&["get", "hooks", r], m);
        t.compare(&["history", r], m);
        let stored = t.run(&t.helm, &t.ns.1, &["status", r, "-o", "json"]).1;
        assert!(stored.contains(r#""phase":"Succeeded""#), "{stored}");
    }
    // A release whose hook Pod is still there installs again once uninstalled (the Pod is deleted
    // before it is created anew).
    t.compare(&["uninstall", "kept", "--keep-history"], m);
    t.compare(&["install", "kept", c, "--replace"], m);
    t.compare(&["history", "kept"], m);

    t.clean_up(&["kept", "gone"]);
    assert!(mismatches.is_empty(), "{} outputs differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

/// What each tool stores for hooks that ran, read back by the real helm: Helm's execHook sets
/// `before-hook-creation` on every hook it runs that names no policy, and that lands in the stored
/// release (`"delete_policies": ["before-hook-creation"]`).
#[test]
fn hooks_that_ran_are_stored_as_helm_stores_them() {
    let Some(t) = Tools::new("stored") else { return };
    let c = chart();
    let c = c.as_str();
    let mut mismatches = Vec::new();
    let m = &mut mismatches;
    let installed = t.compare(&["install", "ph", c, "--create-namespace"], m);
    assert!(installed.0, "helmrs install failed: {}{}", installed.1, installed.2);
    t.compare_stored(&["status", "ph", "-o", "json"], m);
    t.compare(&["test", "ph"], m);
    t.compare_stored(&["status", "ph", "-o", "json"], m);
    t.clean_up(&["ph"]);
    assert!(mismatches.is_empty(), "{} outputs differ:\n{}", mismatches.len(), mismatches.join("\n"));
}
