//! A `helmrs upgrade --wait` killed (SIGKILL) while its revision is `pending-upgrade`: the lock it
//! held refuses the next operation until its Lease expires, then the next rollback marks the
//! revision failed and goes on; nothing is left stuck, and the real `helm` (HELM_API_TEST_HELM)
//! shows the same history. The killed run's `--debug` stderr shows the wait's progress. A SIGTERM
//! instead ends the upgrade as helm's does: cancelled, recorded failed, its lock let go.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn service(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ if std::env::var("HELM_API_TEST_REQUIRE").as_deref() == Ok("1") => {
            panic!("{var} is not set and HELM_API_TEST_REQUIRE=1")
        }
        _ => {
            eprintln!("skipping killed_upgrade: {var} is not set");
            None
        }
    }
}

/// How long a lock outlives the process that held it, in this test.
const LOCK_TTL_SECONDS: u64 = 10;

struct Tools {
    helm: String,
    kubeconfig: String,
    ns: String,
}

impl Tools {
    fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut c = Command::new(program);
        c.args(args)
            .args(["--namespace", &self.ns, "--kubeconfig", &self.kubeconfig])
            .env("HELM_CACHE_HOME", std::env::temp_dir().join("hk-helm-cache"))
            .env("HELM_CONFIG_HOME", std::env::temp_dir().join("hk-helm-config"))
            .env("HELM_DATA_HOME", std::env::temp_dir().join("hk-helm-data"))
            .env("HELM_API_LOCK_TTL", format!("{LOCK_TTL_SECONDS}s"))
            .env_remove("HELM_DRIVER");
        c
    }

    fn run(&self, program: &str, args: &[&str]) -> (bool, String, String) {
        let out = self.command(program, args).output().expect("running a command");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn helm(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.run(&self.helm, args);
        assert!(ok, "helm {args:?}: {err}");
        out
    }

    fn helmrs(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.run(env!("CARGO_BIN_EXE_helmrs"), args);
        assert!(ok, "helmrs {args:?}: {err}");
        out
    }

    /// `(revision, status, description)` of each revision, as helmrs reads them.
    fn history(&self, release: &str) -> Vec<(i64, String, String)> {
        let text = self.helmrs(&["history", release, "-o", "json"]);
        let rows: Vec<serde_json::Value> = serde_json::from_str(&text).expect("history json");
        rows.iter()
            .map(|r| {
                (
                    r["revision"].as_i64().unwrap_or_default(),
                    r["status"].as_str().unwrap_or_default().to_owned(),
                    r["description"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }
}

fn chart(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../crates/helm-core/tests").join(path).display().to_string()
}

#[test]
fn killed_upgrade_leaves_nothing_stuck() {
    let Some(helm) = service("HELM_API_TEST_HELM") else { return };
    let Some(kubeconfig) = service("HELM_API_TEST_KUBECONFIG") else { return };
    let ns = format!("hk-killed-{}", std::process::id());
    let t = Tools { helm, kubeconfig, ns: ns.clone() };
    let (lifecycle, stuck) = (chart("fixtures/lifecycle"), chart("cluster/charts/stuck"));
    t.helmrs(&["install", "app", &lifecycle, "--create-namespace", "--set", "hook.enabled=false"]);

    // An upgrade to a chart whose Deployment never becomes ready, waiting, killed mid-wait.
    let stderr_path = std::env::temp_dir().join(format!("hk-killed-{}.stderr", std::process::id()));
    let mut child = t
        .command(env!("CARGO_BIN_EXE_helmrs"), &["upgrade", "app", &stuck, "--wait", "--timeout", "5m", "--debug"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("spawning helmrs upgrade");
    let started = Instant::now();
    loop {
        let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        // Pending, and waiting (at least one progress round written).
        if stderr.contains("resources ready") && t.history("app").last().is_some_and(|r| r.1 == "pending-upgrade") {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "the upgrade ended on its own: {stderr}");
        assert!(started.elapsed() < Duration::from_secs(120), "the upgrade never got to waiting: {stderr}");
        std::thread::sleep(Duration::from_millis(200));
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap();
    let _ = std::fs::remove_file(&stderr_path);
    // --debug showed what it waited for, naming the object not ready.
    assert!(
        stderr.contains("waiting") && stderr.contains("of 1 resources ready") && stderr.contains("app-stuck"),
        "{stderr}"
    );
    assert_eq!(t.history("app").last().unwrap().1, "pending-upgrade");

    // The dead process's lock is still valid: the next operation is refused, naming the holder.
    let (ok, _, err) = t.run(env!("CARGO_BIN_EXE_helmrs"), &["rollback", "app", "1"]);
    assert!(!ok, "a rollback went through a live lock");
    assert!(err.starts_with("Error: another operation (install/upgrade/rollback) is in progress (held by "), "{err}");

    // Once the Lease has expired, the rollback marks the pending revision failed and goes on.
    let deadline = Instant::now() + Duration::from_secs(LOCK_TTL_SECONDS * 4);
    let out = loop {
        let (ok, out, err) = t.run(env!("CARGO_BIN_EXE_helmrs"), &["rollback", "app", "1", "--wait"]);
        if ok {
            break out;
        }
        assert!(err.contains("another operation (install/upgrade/rollback) is in progress"), "{err}");
        assert!(Instant::now() < deadline, "the lock never expired: {err}");
        std::thread::sleep(Duration::from_secs(1));
    };
    assert_eq!(out, "Rollback was a success! Happy Helming!\n");
    assert_eq!(
        t.history("app"),
        vec![
            (1, "superseded".to_owned(), "Install complete".to_owned()),
            (2, "failed".to_owned(), "Release \"app\" failed: interrupted while pending-upgrade".to_owned()),
            (3, "deployed".to_owned(), "Rollback to 1".to_owned()),
        ]
    );
    // The real helm agrees, byte for byte, and finds nothing pending: it upgrades in turn.
    for args in [&["history", "app"][..], &["history", "app", "-o", "json"], &["status", "app"], &["list", "--all"]] {
        assert_eq!(t.helm(args), t.helmrs(args), "{args:?}");
    }
    t.helm(&["upgrade", "app", &lifecycle, "--set", "hook.enabled=false,message=after"]);
    assert_eq!(t.history("app").last().unwrap().1, "deployed");

    // SIGTERM instead: as helm, the upgrade says it was cancelled, records its revision failed
    // with Helm's text and lets its lock go, so the next operation needs no wait.
    let mut outcomes = Vec::new();
    for (program, release) in [(t.helm.clone(), "hl"), (env!("CARGO_BIN_EXE_helmrs").to_owned(), "app")] {
        if release == "hl" {
            t.helm(&["install", "hl", &lifecycle, "--set", "hook.enabled=false"]);
        }
        let child = t
            .command(&program, &["upgrade", release, &stuck, "--wait", "--timeout", "5m"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning an upgrade");
        let started = Instant::now();
        while t.history(release).last().is_none_or(|r| r.1 != "pending-upgrade") {
            assert!(started.elapsed() < Duration::from_secs(120), "{release} never got pending");
            std::thread::sleep(Duration::from_millis(200));
        }
        // Let it reach its wait, then stop it.
        std::thread::sleep(Duration::from_secs(2));
        let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill -TERM");
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        let last = t.history(release).last().cloned().unwrap();
        outcomes.push((
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).replace(release, "NAME"),
            String::from_utf8_lossy(&out.stderr).replace(release, "NAME"),
            last.1,
            last.2.replace(release, "NAME"),
        ));
    }
    assert_eq!(
        outcomes[1],
        (
            false,
            "Release NAME has been cancelled.\n".to_owned(),
            "Error: UPGRADE FAILED: context canceled\n".to_owned(),
            "failed".to_owned(),
            "Upgrade \"NAME\" failed: context canceled".to_owned()
        )
    );
    assert_eq!(outcomes[0], outcomes[1], "helm / helmrs");
    let started = Instant::now();
    assert_eq!(t.helmrs(&["rollback", "app"]), "Rollback was a success! Happy Helming!\n");
    assert!(started.elapsed() < Duration::from_secs(LOCK_TTL_SECONDS), "the lock was let go at once");
    t.helmrs(&["uninstall", "app", "hl"]);
    let _ = Command::new("kubectl")
        .args(["--kubeconfig", &t.kubeconfig, "delete", "namespace", &ns, "--wait=false"])
        .output();
}
