//! Integration tests of the actions against a real cluster (HELM_API_TEST_KUBECONFIG) and interop with the real helm (HELM_API_TEST_HELM).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr, clippy::panic)]

mod charts_lifecycle;
mod failures;
mod support;

use std::time::Duration;

use helm_core::{
    Error, Install, InstallOptions, List, ListOptions, Rollback, RollbackOptions, ServerSide, Uninstall,
    UninstallOptions, Upgrade, UpgradeOptions, release_info,
};
use release_storage::{ApplyMethod, Status};
use support::{chart, cluster, helm_binary, values};

fn install_options(name: &str) -> InstallOptions {
    InstallOptions {
        release_name: name.to_owned(),
        wait: true,
        timeout: Duration::from_secs(120),
        ..InstallOptions::default()
    }
}

fn upgrade_options() -> UpgradeOptions {
    UpgradeOptions { wait: true, timeout: Duration::from_secs(120), ..UpgradeOptions::default() }
}

fn statuses(history: &[release_storage::Release]) -> Vec<(i64, String, String)> {
    history
        .iter()
        .map(|r| (r.version, r.status().as_str().to_owned(), r.info.clone().unwrap_or_default().description))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_install_upgrade_rollback_uninstall() {
    let Some(t) = cluster("life").await else { return };
    let name = "web";
    let c = chart();
    // Install with a pre-install hook Job, waiting for the Deployment.
    let rel = Install::new(t.config.clone(), install_options(name)).run(&c, &values(&["message=one"])).await.unwrap();
    assert_eq!(rel.status(), Status::Deployed);
    assert_eq!(rel.info.as_ref().unwrap().description, "Install complete");
    assert_eq!(rel.info.as_ref().unwrap().notes.trim(), "web is installed (revision 1).");
    let dep = t.get("apps/v1", "Deployment", "web-web").await.expect("deployment");
    assert_eq!(dep["metadata"]["annotations"]["example.com/extra"], "yes");
    assert_eq!(dep["metadata"]["annotations"]["meta.helm.sh/release-name"], "web");
    assert_eq!(dep["metadata"]["labels"]["app.kubernetes.io/managed-by"], "Helm");
    let cm = t.get("v1", "ConfigMap", "web-config").await.expect("configmap");
    assert_eq!(cm["data"]["message"], "one");
    assert_eq!(cm["data"]["lookup"], t.ns.as_str(), "lookup answered from the cluster");
    assert!(t.get("batch/v1", "Job", "web-hook").await.is_some(), "the hook Job ran and was kept");
    assert!(rel.hooks[0].last_run.phase == release_storage::HookPhase::Succeeded);

    // Upgrade: a field and an object removed from the chart are removed from the cluster.
    let up = Upgrade::new(t.config.clone(), upgrade_options())
        .run(name, &c, &values(&["message=two", "configmap.enabled=false", "extraAnnotation=false"]))
        .await
        .unwrap();
    assert_eq!(up.version, 2);
    assert_eq!(up.info.as_ref().unwrap().description, "Upgrade complete");
    assert!(t.get("v1", "ConfigMap", "web-config").await.is_none(), "the dropped ConfigMap is deleted");
    let dep = t.get("apps/v1", "Deployment", "web-web").await.unwrap();
    assert!(dep["metadata"]["annotations"].get("example.com/extra").is_none(), "the dropped annotation is removed");

    // --reuse-values keeps revision 2's values under the new ones.
    let up3 = Upgrade::new(t.config.clone(), UpgradeOptions { reuse_values: true, ..upgrade_options() })
        .run(name, &c, &values(&["replicas=2"]))
        .await
        .unwrap();
    assert_eq!(up3.config.get("message").and_then(|v| v.as_str()), Some("two"));

    // Rollback to revision 1 brings the ConfigMap and the annotation back.
    let rb = Rollback::new(t.config.clone(), RollbackOptions { version: 1, wait: true, ..RollbackOptions::default() })
        .run(name)
        .await
        .unwrap();
    assert_eq!(rb.version, 4);
    assert_eq!(rb.info.as_ref().unwrap().description, "Rollback to 1");
    assert!(t.get("v1", "ConfigMap", "web-config").await.is_some());
    let dep = t.get("apps/v1", "Deployment", "web-web").await.unwrap();
    assert_eq!(dep["metadata"]["annotations"]["example.com/extra"], "yes");

    let history = release_info::history(&t.config, name, 0).await.unwrap();
    assert_eq!(
        statuses(&history),
        vec![
            // As the real helm v3.22.0: superseded revisions keep their descriptions.
            (1, "superseded".into(), "Install complete".into()),
            (2, "superseded".into(), "Upgrade complete".into()),
            (3, "superseded".into(), "Upgrade complete".into()),
            (4, "deployed".into(), "Rollback to 1".into()),
        ]
    );
    let user = release_info::get_values(&t.config, name, 0, false).await.unwrap();
    assert_eq!(user.get("message").and_then(|v| v.as_str()), Some("one"));
    let all = release_info::get_values(&t.config, name, 0, true).await.unwrap();
    assert!(all.contains_key("replicas"));
    let listed = List::new(t.config.clone(), ListOptions::default()).run().await.unwrap();
    assert_eq!(listed.iter().map(|r| (r.name.as_str(), r.version)).collect::<Vec<_>>(), vec![("web", 4)]);

    // The real helm reads our releases.
    if let Some(helm) = helm_binary("life") {
        let list = t.helm(&helm, &["list", "-o", "json"]);
        assert!(list.contains("\"name\":\"web\"") && list.contains("\"revision\":\"4\""), "{list}");
        let status = t.helm(&helm, &["status", name]);
        assert!(status.contains("STATUS: deployed") && status.contains("REVISION: 4"), "{status}");
        let got = t.helm(&helm, &["get", "values", name, "-o", "json"]);
        assert_eq!(got.trim(), r#"{"message":"one"}"#);
        let hist = t.helm(&helm, &["history", name, "-o", "json"]);
        assert!(hist.contains("Rollback to 1") && hist.contains("\"revision\":3"), "{hist}");
    }

    // Uninstall removes the objects and the history.
    let un = Uninstall::new(t.config.clone(), UninstallOptions { wait: true, ..UninstallOptions::default() })
        .run(name)
        .await
        .unwrap();
    assert_eq!(un.release.info.as_ref().unwrap().description, "Uninstallation complete");
    assert!(t.get("apps/v1", "Deployment", "web-web").await.is_none());
    assert!(release_info::history(&t.config, name, 0).await.is_err());
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interop_with_real_helm() {
    let Some(helm) = helm_binary("interop") else { return };
    let Some(t) = cluster("interop").await else { return };
    let dir = format!("{}/tests/fixtures/lifecycle", env!("CARGO_MANIFEST_DIR"));
    // Installed by the real helm (Helm 3, client-side), upgraded, rolled back and uninstalled by us.
    t.helm(&helm, &["install", "legacy", &dir, "--set", "message=from-helm", "--wait"]);
    let c = chart();
    let up = Upgrade::new(t.config.clone(), upgrade_options())
        .run("legacy", &c, &values(&["configmap.enabled=false", "extraAnnotation=false"]))
        .await
        .unwrap();
    assert_eq!(up.version, 2);
    assert!(t.get("v1", "ConfigMap", "legacy-config").await.is_none());
    let dep = t.get("apps/v1", "Deployment", "legacy-web").await.unwrap();
    assert!(dep["metadata"]["annotations"].get("example.com/extra").is_none(), "three-way merge removed the field");
    let hist = t.helm(&helm, &["history", "legacy", "-o", "json"]);
    assert!(hist.contains("Upgrade complete") && hist.contains("superseded"), "{hist}");
    // Our release, upgraded by the real helm, then rolled back by us.
    t.helm(&helm, &["upgrade", "legacy", &dir, "--set", "message=helm-again", "--wait"]);
    let rb = Rollback::new(t.config.clone(), RollbackOptions::default()).run("legacy").await.unwrap();
    assert_eq!(rb.version, 4);
    assert_eq!(rb.info.as_ref().unwrap().description, "Rollback to 2");
    let hist = release_info::history(&t.config, "legacy", 0).await.unwrap();
    assert_eq!(hist.iter().map(|r| r.version).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    let helm_hist = t.helm(&helm, &["history", "legacy", "-o", "json"]);
    assert!(helm_hist.contains("Rollback to 2"), "{helm_hist}");
    Uninstall::new(t.config.clone(), UninstallOptions::default()).run("legacy").await.unwrap();
    let list = t.helm(&helm, &["list", "-a", "-o", "json"]);
    assert_eq!(list.trim(), "[]");
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_end_failed_or_roll_back() {
    let Some(t) = cluster("fail").await else { return };
    let c = chart();
    // A manifest the server refuses: the release ends failed with Helm's description.
    let err =
        Install::new(t.config.clone(), install_options("broken")).run(&c, &values(&["broken=true"])).await.unwrap_err();
    let rel = release_info::status(&t.config, "broken", 0).await.unwrap();
    assert_eq!(rel.status(), Status::Failed);
    let description = rel.info.unwrap().description;
    // Helm 3's text (checked against the real helm v3.22.0).
    assert_eq!(
        description,
        "Release \"broken\" failed: 1 error occurred:\n\t* Service \"broken-web\" is invalid: spec.ports[0].protocol: Unsupported value: \"NOT-A-PROTOCOL\": supported values: \"SCTP\", \"TCP\", \"UDP\"\n\n",
        "{err}"
    );

    // Atomic: the failed install is uninstalled.
    let err = Install::new(t.config.clone(), InstallOptions { atomic: true, ..install_options("atomic") })
        .run(&c, &values(&["broken=true"]))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("has been uninstalled due to atomic being set"), "{err}");
    assert!(release_info::status(&t.config, "atomic", 0).await.is_err());
    assert!(t.get("apps/v1", "Deployment", "atomic-web").await.is_none());

    // Atomic upgrade: rolled back to the last good revision. Installed client-side, so that
    // the upgrade is Helm 3's and fails with Helm 3's text.
    Install::new(t.config.clone(), InstallOptions { server_side: ServerSide::False, ..install_options("up") })
        .run(&c, &values(&[]))
        .await
        .unwrap();
    let err = Upgrade::new(t.config.clone(), UpgradeOptions { atomic: true, ..upgrade_options() })
        .run("up", &c, &values(&["broken=true"]))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("has been rolled back due to atomic being set"), "{err}");
    let history = release_info::history(&t.config, "up", 0).await.unwrap();
    let s = statuses(&history);
    assert_eq!(s[1].1, "failed");
    assert_eq!(
        s[1].2,
        "Upgrade \"up\" failed: cannot patch \"up-web\" with kind Service: Service \"up-web\" is invalid: spec.ports[0].protocol: Unsupported value: \"NOT-A-PROTOCOL\": supported values: \"SCTP\", \"TCP\", \"UDP\""
    );
    assert_eq!(s[2], (3, "deployed".into(), "Rollback to 1".into()));

    // A hook the server refuses: the install ends failed with Helm's text.
    let err =
        Install::new(t.config.clone(), install_options("hf")).run(&c, &values(&["hook.fail=true"])).await.unwrap_err();
    let description = release_info::status(&t.config, "hf", 0).await.unwrap().info.unwrap().description;
    assert_eq!(
        description,
        "Release \"hf\" failed: failed pre-install: warning: Hook pre-install lifecycle/templates/hook-job.yaml failed: 1 error occurred:\n\t* Job.batch \"hf-hook\" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0\n\n",
        "{err}"
    );

    // An object that exists and belongs to no release is refused, with Helm's text, and nothing is stored.
    let doc = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "own-config"}});
    let mut res = t.config.kube().build("pre", &doc.to_string()).await.unwrap();
    t.config.kube().create(&mut res, &Default::default()).await.unwrap();
    let err = Install::new(t.config.clone(), install_options("own")).run(&c, &values(&[])).await.unwrap_err();
    let expected = format!(
        "Unable to continue with install: ConfigMap \"own-config\" in namespace \"{}\" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"own\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"{}\"",
        t.ns, t.ns
    );
    assert_eq!(err.to_string(), expected);
    assert!(release_info::status(&t.config, "own", 0).await.is_err());
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_and_cancelled_operations_leave_nothing_pending() {
    let Some(t) = cluster("lock").await else { return };
    let c = chart();
    Install::new(t.config.clone(), install_options("busy")).run(&c, &values(&[])).await.unwrap();
    // Another operation holds the release: the upgrade gets Helm's pending error.
    let held = t.config.locker().lock(&t.ns, "busy").await.unwrap();
    let err = Upgrade::new(t.config.clone(), upgrade_options()).run("busy", &c, &values(&[])).await.unwrap_err();
    assert!(matches!(err, Error::PendingRelease(_)), "{err}");
    assert!(err.to_string().starts_with("another operation (install/upgrade/rollback) is in progress"), "{err}");
    held.release().await.unwrap();

    // Two upgrades at once: one runs, the other is refused; nothing is left pending.
    let (a, b) = (Upgrade::new(t.config.clone(), upgrade_options()), Upgrade::new(t.config.clone(), upgrade_options()));
    let (va, vb) = (values(&["message=a"]), values(&["message=b"]));
    let (ra, rb) = tokio::join!(a.run("busy", &c, &va), b.run("busy", &c, &vb));
    let refused = [&ra, &rb].iter().filter(|r| matches!(r, Err(Error::PendingRelease(_)))).count();
    assert_eq!((refused, ra.is_ok() || rb.is_ok()), (1, true), "{ra:?} / {rb:?}");
    let last = release_info::status(&t.config, "busy", 0).await.unwrap();
    assert_eq!((last.version, last.status()), (2, Status::Deployed));

    // An upgrade dropped while it waits for its objects ends failed, not pending.
    let upgrade = Upgrade::new(t.config.clone(), upgrade_options());
    let values = values(&["replicas=3", "message=cancelled"]);
    let task = {
        let (c, values) = (c.clone(), values.clone());
        tokio::spawn(async move { upgrade.run("busy", &c, &values).await })
    };
    let mut seen_pending = false;
    for _ in 0..500 {
        if let Ok(r) = release_info::status(&t.config, "busy", 3).await
            && r.status() == Status::PendingUpgrade
        {
            seen_pending = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    task.abort();
    assert!(seen_pending, "revision 3 was never pending");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let last = release_info::status(&t.config, "busy", 0).await.unwrap();
    assert_eq!(last.version, 3);
    assert_eq!(last.status(), Status::Failed);
    assert_eq!(last.info.unwrap().description, "Upgrade \"busy\" failed: context canceled");
    // A revision left pending by a process that died (no lock held) is marked failed by the next operation.
    let mut stale = release_info::status(&t.config, "busy", 3).await.unwrap();
    stale.set_status(Status::PendingRollback, "Rollback to 1");
    t.config.storage().update(&stale).await.unwrap();
    // And the next operation goes on.
    let up = Upgrade::new(t.config.clone(), upgrade_options()).run("busy", &c, &values).await.unwrap();
    assert_eq!((up.version, up.status()), (4, Status::Deployed));
    let recovered = release_info::status(&t.config, "busy", 3).await.unwrap();
    assert_eq!(recovered.status(), Status::Failed);
    assert_eq!(recovered.info.unwrap().description, "Release \"busy\" failed: interrupted while pending-rollback");
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn install_options_and_list_filters() {
    let Some(t) = cluster("opts").await else { return };
    let c = chart();
    // A client dry-run renders with Helm's status and stores nothing.
    let dry = Install::new(t.config.clone(), InstallOptions { dry_run: true, ..install_options("dry") })
        .run(&c, &values(&[]))
        .await
        .unwrap();
    assert_eq!((dry.status(), dry.info.unwrap().description.as_str()), (Status::PendingInstall, "Dry run complete"));
    assert!(dry.manifest.contains("# Source: lifecycle/templates/deployment.yaml"));
    assert!(release_info::status(&t.config, "dry", 0).await.is_err());
    // --generate-name; --create-namespace in a namespace that does not exist yet.
    let other = t.config.with_namespace(&format!("{}-new", t.ns)).await.unwrap();
    let generated = Install::new(
        other.clone(),
        InstallOptions { generate_name: true, create_namespace: true, wait: false, ..install_options("") },
    )
    .run(&c, &values(&["hook.enabled=false"]))
    .await
    .unwrap();
    assert!(generated.name.starts_with("lifecycle-"), "{}", generated.name);
    assert_eq!(generated.namespace, format!("{}-new", t.ns));
    // A name in use is refused.
    let err = Install::new(other.clone(), install_options(&generated.name)).run(&c, &values(&[])).await.unwrap_err();
    assert_eq!(err.to_string(), "cannot re-use a name that is still in use");
    // A namespace that does not exist: Helm's text, nothing left behind.
    let missing = t.config.with_namespace(&format!("{}-missing", t.ns)).await.unwrap();
    let err = Install::new(missing, install_options("nowhere")).run(&c, &values(&[])).await.unwrap_err();
    assert_eq!(err.to_string(), format!("create: failed to create: namespaces \"{}-missing\" not found", t.ns));
    if let Some(helm) = helm_binary("opts") {
        let dir = format!("{}/tests/fixtures/lifecycle", env!("CARGO_MANIFEST_DIR"));
        let missing_ns = format!("{}-missing", t.ns);
        let out = std::process::Command::new(&helm)
            .args(["install", "nowhere", &dir, "--namespace", &missing_ns, "--kubeconfig", &t.kubeconfig])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stderr), format!("Error: INSTALLATION FAILED: {err}\n"));
    }
    // Invalid names are refused as Helm does.
    let err = Install::new(t.config.clone(), install_options("Bad_Name")).run(&c, &values(&[])).await.unwrap_err();
    assert!(err.to_string().starts_with("release name \"Bad_Name\": invalid release name"), "{err}");
    // keep-history leaves an `uninstalled` revision that only --uninstalled / --all list.
    Uninstall::new(other.clone(), UninstallOptions { keep_history: true, ..UninstallOptions::default() })
        .run(&generated.name)
        .await
        .unwrap();
    let default_list = List::new(other.clone(), ListOptions::default()).run().await.unwrap();
    assert!(default_list.is_empty());
    let uninstalled =
        List::new(other.clone(), ListOptions { statuses: vec![Status::Uninstalled], ..ListOptions::default() })
            .run()
            .await
            .unwrap();
    assert_eq!(uninstalled.len(), 1);
    assert_eq!(uninstalled[0].info.as_ref().unwrap().description, "Uninstallation complete");
    // Across namespaces with a name filter.
    Install::new(t.config.clone(), InstallOptions { wait: false, ..install_options("zeta") })
        .run(&c, &values(&["hook.enabled=false"]))
        .await
        .unwrap();
    let all = List::new(
        t.config.clone(),
        ListOptions {
            all_namespaces: true,
            all: true,
            filter: Some("^(zeta|lifecycle-)".into()),
            ..ListOptions::default()
        },
    )
    .run()
    .await
    .unwrap();
    let mine: Vec<&str> = all.iter().filter(|r| r.namespace.starts_with(&t.ns)).map(|r| r.name.as_str()).collect();
    assert_eq!(mine, vec![generated.name.as_str(), "zeta"]);
    Uninstall::new(other.clone(), UninstallOptions::default()).run(&generated.name).await.unwrap();
    let doc = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": other.namespace()}});
    let res = t.config.kube().build("ns", &doc.to_string()).await.unwrap();
    let _ = t.config.kube().delete(&res, kube_apply::Propagation::Background).await;
    t.cleanup().await;
}

/// The managers of the live object's fields, as (manager, operation).
fn managers(object: &serde_json::Value) -> Vec<(String, String)> {
    object["metadata"]["managedFields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    (m["manager"].as_str().unwrap_or("").to_owned(), m["operation"].as_str().unwrap_or("").to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_method_is_recorded_and_followed() {
    let Some(t) = cluster("applym").await else { return };
    let c = chart();
    let name = "ssa";
    // Helm 4's default: a new install applies server-side and records `ssa`.
    let rel = Install::new(t.config.clone(), install_options(name)).run(&c, &values(&[])).await.unwrap();
    assert_eq!(rel.apply_method, Some(ApplyMethod::Ssa));
    let stored = release_info::status(&t.config, name, 0).await.unwrap();
    assert_eq!(stored.apply_method, Some(ApplyMethod::Ssa));
    let cm = t.get("v1", "ConfigMap", "ssa-config").await.unwrap();
    assert!(managers(&cm).contains(&("helm".to_owned(), "Apply".to_owned())), "{:?}", managers(&cm));
    // An upgrade follows it, and server-side apply drops what the chart no longer sets.
    let up = Upgrade::new(t.config.clone(), upgrade_options())
        .run(name, &c, &values(&["message=two", "extraAnnotation=false"]))
        .await
        .unwrap();
    assert_eq!(up.apply_method, Some(ApplyMethod::Ssa));
    let cm = t.get("v1", "ConfigMap", "ssa-config").await.unwrap();
    assert_eq!(cm["data"]["message"], "two");
    assert!(managers(&cm).iter().all(|(m, op)| m != "helm" || op == "Apply"), "{:?}", managers(&cm));
    let dep = t.get("apps/v1", "Deployment", "ssa-web").await.unwrap();
    assert!(dep["metadata"]["annotations"].get("example.com/extra").is_none(), "the dropped annotation is removed");
    // So does a rollback (to a revision recorded `ssa`).
    let rb = Rollback::new(t.config.clone(), RollbackOptions { wait: true, ..RollbackOptions::default() })
        .run(name)
        .await
        .unwrap();
    assert_eq!(rb.apply_method, Some(ApplyMethod::Ssa));
    let dep = t.get("apps/v1", "Deployment", "ssa-web").await.unwrap();
    assert_eq!(dep["metadata"]["annotations"]["example.com/extra"], "yes");
    // `--server-side=false` forces client-side and records `csa`.
    let forced = Upgrade::new(t.config.clone(), UpgradeOptions { server_side: ServerSide::False, ..upgrade_options() })
        .run(name, &c, &values(&["message=three"]))
        .await
        .unwrap();
    assert_eq!(forced.apply_method, Some(ApplyMethod::Csa));
    Uninstall::new(t.config.clone(), UninstallOptions::default()).run(name).await.unwrap();

    // A release installed by the real Helm 3 (no apply_method: client-side) stays client-side.
    if let Some(helm) = helm_binary("applym") {
        let dir = format!("{}/tests/fixtures/lifecycle", env!("CARGO_MANIFEST_DIR"));
        t.helm(&helm, &["install", "old", &dir, "--wait"]);
        assert_eq!(release_info::status(&t.config, "old", 0).await.unwrap().apply_method, None);
        let up = Upgrade::new(t.config.clone(), upgrade_options())
            .run("old", &c, &values(&["message=ours", "extraAnnotation=false"]))
            .await
            .unwrap();
        assert_eq!(up.apply_method, Some(ApplyMethod::Csa));
        let dep = t.get("apps/v1", "Deployment", "old-web").await.unwrap();
        assert!(dep["metadata"]["annotations"].get("example.com/extra").is_none(), "three-way merge removed the field");
        let cm = t.get("v1", "ConfigMap", "old-config").await.unwrap();
        assert!(managers(&cm).iter().all(|(_, op)| op != "Apply"), "no server-side apply: {:?}", managers(&cm));
        // Helm 3 reads our JSON (it ignores apply_method) and upgrades it in turn.
        let hist = t.helm(&helm, &["history", "old", "-o", "json"]);
        assert!(hist.contains("Upgrade complete"), "{hist}");
        t.helm(&helm, &["upgrade", "old", &dir, "--wait"]);
        // A release installed by us server-side, read and upgraded by Helm 3.
        Install::new(t.config.clone(), install_options("new")).run(&c, &values(&[])).await.unwrap();
        t.helm(&helm, &["upgrade", "new", &dir, "--set", "message=helm", "--wait"]);
        let list = t.helm(&helm, &["list", "-o", "json"]);
        assert!(list.contains("\"new\"") && list.contains("\"old\""), "{list}");
    }
    t.cleanup().await;
}
