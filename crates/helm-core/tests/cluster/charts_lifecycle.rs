//! Cluster tests with the chart fixtures under tests/cluster/charts: a wait that times out, an object the API server refuses, and the full lifecycle of a chart with a subchart, a CRD and hooks.

use std::path::Path;
use std::time::Duration;

use helm_core::{
    Install, InstallOptions, Rollback, RollbackOptions, Uninstall, UninstallOptions, Upgrade, UpgradeOptions,
    release_info,
};
use release_storage::Status;

use crate::support::{cluster, values};

fn fixture(name: &str) -> chart_model::Chart {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cluster/charts").join(name);
    chart_model::load::load(&dir).expect("loading a fixture chart")
}

fn install_options(name: &str, timeout: Duration) -> InstallOptions {
    InstallOptions { release_name: name.to_owned(), wait: true, timeout, ..InstallOptions::default() }
}

fn upgrade_options() -> UpgradeOptions {
    UpgradeOptions { wait: true, timeout: Duration::from_secs(120), ..UpgradeOptions::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_timeout_ends_failed() {
    let Some(t) = cluster("waitto").await else { return };
    let c = fixture("stuck");
    let started = std::time::Instant::now();
    let err = Install::new(t.config.clone(), install_options("stuck", Duration::from_secs(3)))
        .run(&c, &values(&[]))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(60), "the 3-second timeout was not honoured: {elapsed:?}");
    let text = err.to_string();
    assert!(text.contains("deadline") || text.contains("timed out") || text.contains("timeout"), "{text}");
    let rel = release_info::status(&t.config, "stuck", 0).await.unwrap();
    assert_eq!(rel.status(), Status::Failed, "{text}");
    let description = rel.info.unwrap().description;
    assert!(description.starts_with("Release \"stuck\" failed: "), "{description}");
    // The object was created; nothing else is pending, and an uninstall cleans up.
    assert!(t.get("apps/v1", "Deployment", "stuck-stuck").await.is_some());
    Uninstall::new(t.config.clone(), UninstallOptions::default()).run("stuck").await.unwrap();
    assert!(t.get("apps/v1", "Deployment", "stuck-stuck").await.is_none());
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_object_then_fixed_upgrade() {
    let Some(t) = cluster("refused").await else { return };
    let c = fixture("refused");
    let err = Install::new(t.config.clone(), install_options("rf", Duration::from_secs(60)))
        .run(&c, &values(&[]))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Service \"rf-svc\" is invalid") && text.contains("spec.ports[0].port"), "{text}");
    let rel = release_info::status(&t.config, "rf", 0).await.unwrap();
    assert_eq!((rel.version, rel.status()), (1, Status::Failed));
    let description = rel.info.unwrap().description;
    assert!(description.contains("spec.ports[0].port: Invalid value: 70000"), "{description}");
    assert!(t.get("v1", "Service", "rf-svc").await.is_none());
    // Nothing is stuck: an upgrade with the fixed chart goes through.
    let up = Upgrade::new(t.config.clone(), upgrade_options()).run("rf", &c, &values(&["fixed=true"])).await.unwrap();
    assert_eq!((up.version, up.status()), (2, Status::Deployed));
    let svc = t.get("v1", "Service", "rf-svc").await.expect("service");
    assert_eq!(svc["spec"]["ports"][0]["port"], 80);
    let cm = t.get("v1", "ConfigMap", "rf-config").await.expect("configmap");
    assert_eq!(cm["data"]["fixed"], "true");
    let history = release_info::history(&t.config, "rf", 0).await.unwrap();
    let s: Vec<_> = history.iter().map(|r| (r.version, r.status())).collect();
    // As the real helm v3.22.0: the failed revision is superseded and keeps its failure description.
    assert_eq!(s, vec![(1, Status::Superseded), (2, Status::Deployed)]);
    let first = history[0].info.clone().unwrap_or_default().description;
    assert!(first.starts_with("Release \"rf\" failed: "), "{first}");
    assert_eq!(history[1].info.clone().unwrap_or_default().description, "Upgrade complete");
    Uninstall::new(t.config.clone(), UninstallOptions::default()).run("rf").await.unwrap();
    t.cleanup().await;
}

async fn data(t: &crate::support::TestCluster, name: &str, key: &str) -> Option<String> {
    t.get("v1", "ConfigMap", name).await.map(|cm| cm["data"][key].as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_lifecycle_subchart_crd_hooks() {
    let Some(t) = cluster("full").await else { return };
    let c = fixture("full");
    let name = "fl";
    // Install: the CRD from crds/, a custom resource of it, the subchart's object, the hooks.
    let rel = Install::new(t.config.clone(), install_options(name, Duration::from_secs(120)))
        .run(&c, &values(&[]))
        .await
        .unwrap();
    assert_eq!((rel.version, rel.status()), (1, Status::Deployed));
    assert!(
        t.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.lifecycle.example.com").await.is_some()
    );
    let widget = t.get("lifecycle.example.com/v1", "Widget", "fl-widget").await.expect("widget");
    assert_eq!(widget["spec"]["size"], "one");
    assert_eq!(widget["metadata"]["annotations"]["meta.helm.sh/release-name"], name);
    assert_eq!(data(&t, "fl-main", "message").await.as_deref(), Some("one"));
    assert_eq!(data(&t, "fl-legacy", "old").await.as_deref(), Some("yes"));
    assert!(t.get("v1", "ConfigMap", "fl-extra").await.is_none());
    assert_eq!(data(&t, "fl-sub", "greeting").await.as_deref(), Some("hello"));
    assert_eq!(data(&t, "fl-pre-hook", "revision").await.as_deref(), Some("1"));
    assert_eq!(data(&t, "fl-post-hook", "revision").await.as_deref(), Some("1"));
    let mut hook_names: Vec<_> = rel.hooks.iter().map(|h| h.name.clone()).collect();
    hook_names.sort();
    assert_eq!(hook_names, vec!["fl-post-hook", "fl-pre-hook"]);

    // Upgrade: values changed (also the subchart's), one object removed, one added.
    let up = Upgrade::new(t.config.clone(), upgrade_options())
        .run(name, &c, &values(&["message=two", "legacy=false", "extra=true", "sub.greeting=bonjour"]))
        .await
        .unwrap();
    assert_eq!((up.version, up.status()), (2, Status::Deployed));
    assert_eq!(data(&t, "fl-main", "message").await.as_deref(), Some("two"));
    assert!(t.get("v1", "ConfigMap", "fl-legacy").await.is_none(), "the removed object is deleted");
    assert_eq!(data(&t, "fl-extra", "new").await.as_deref(), Some("yes"));
    assert_eq!(data(&t, "fl-sub", "greeting").await.as_deref(), Some("bonjour"));
    let widget = t.get("lifecycle.example.com/v1", "Widget", "fl-widget").await.unwrap();
    assert_eq!(widget["spec"]["size"], "two");
    assert_eq!(data(&t, "fl-pre-hook", "revision").await.as_deref(), Some("2"));
    assert_eq!(data(&t, "fl-post-hook", "revision").await.as_deref(), Some("2"));

    // Rollback to revision 1.
    let rb = Rollback::new(t.config.clone(), RollbackOptions { version: 1, wait: true, ..RollbackOptions::default() })
        .run(name)
        .await
        .unwrap();
    assert_eq!((rb.version, rb.status()), (3, Status::Deployed));
    assert_eq!(data(&t, "fl-main", "message").await.as_deref(), Some("one"));
    assert_eq!(data(&t, "fl-legacy", "old").await.as_deref(), Some("yes"));
    assert!(t.get("v1", "ConfigMap", "fl-extra").await.is_none(), "the added object is deleted again");
    assert_eq!(data(&t, "fl-sub", "greeting").await.as_deref(), Some("hello"));
    let widget = t.get("lifecycle.example.com/v1", "Widget", "fl-widget").await.unwrap();
    assert_eq!(widget["spec"]["size"], "one");
    // The rollback runs revision 1's hooks (pre/post-rollback), which carry revision 1's data.
    assert_eq!(data(&t, "fl-post-hook", "revision").await.as_deref(), Some("1"));

    // History.
    let history = release_info::history(&t.config, name, 0).await.unwrap();
    let s: Vec<_> =
        history.iter().map(|r| (r.version, r.status(), r.info.clone().unwrap_or_default().description)).collect();
    assert_eq!(
        s,
        vec![
            // As the real helm v3.22.0: superseded revisions keep their descriptions.
            (1, Status::Superseded, "Install complete".to_owned()),
            (2, Status::Superseded, "Upgrade complete".to_owned()),
            (3, Status::Deployed, "Rollback to 1".to_owned()),
        ]
    );

    // Uninstall: the release's objects go, the CRD stays (as Helm).
    Uninstall::new(t.config.clone(), UninstallOptions { wait: true, ..UninstallOptions::default() })
        .run(name)
        .await
        .unwrap();
    for cm in ["fl-main", "fl-legacy", "fl-sub"] {
        assert!(t.get("v1", "ConfigMap", cm).await.is_none(), "{cm} is left");
    }
    assert!(t.get("lifecycle.example.com/v1", "Widget", "fl-widget").await.is_none());
    assert!(
        t.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.lifecycle.example.com").await.is_some()
    );
    assert!(release_info::history(&t.config, name, 0).await.is_err());
    t.cleanup().await;
}
