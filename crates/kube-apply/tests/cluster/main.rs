//! Integration tests against a real cluster (HELM_API_TEST_KUBECONFIG): apply, ownership, SSA conflicts, CRDs, hooks, delete, three-way merge.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube_apply::{
    ApplyOptions, Error, HookEvent, HookOptions, INSTALL_ORDER, Propagation, ReleaseRef, UNINSTALL_ORDER,
    filter_manifests_to_keep, sort_manifests, sort_release_manifest,
};
use serde_json::{Value as Json, json};
use support::{cluster, quick_wait};

fn release(ns: &str, name: &str) -> ApplyOptions {
    ApplyOptions { release: Some(ReleaseRef { name: name.into(), namespace: ns.into() }), ..Default::default() }
}

fn configmap(name: &str, data: Json) -> String {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn deployment_is_applied_owned_and_waited_for() {
    let Some(t) = cluster("deploy").await else { return };
    let manifest = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: example.invalid/web:1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
"#;
    let mut res = t.client.build("web.yaml", manifest).await.expect("build");
    assert_eq!(res[0].namespace, t.ns);
    t.client.apply(&mut res, &release(&t.ns, "rel")).await.expect("apply");
    t.client.wait_ready(&res, &quick_wait(120)).await.expect("deployment becomes ready");
    let live = t.client.get(&res[0]).await.expect("get").expect("exists");
    assert_eq!(live["metadata"]["labels"]["app.kubernetes.io/managed-by"], "Helm");
    assert_eq!(live["metadata"]["annotations"]["meta.helm.sh/release-name"], "rel");
    assert_eq!(live["metadata"]["annotations"]["meta.helm.sh/release-namespace"], t.ns.as_str());
    let managers: Vec<&str> =
        live["metadata"]["managedFields"].as_array().unwrap().iter().filter_map(|m| m["manager"].as_str()).collect();
    assert!(managers.contains(&"helm"), "{managers:?}");
    t.cleanup().await;
}

/// Records the `kube_apply` events' fields, for checking progress events.
#[derive(Clone, Default)]
struct Recorder(std::sync::Arc<std::sync::Mutex<Vec<BTreeMap<String, String>>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Recorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Fields(BTreeMap<String, String>);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.insert(field.name().to_owned(), format!("{value:?}"));
            }
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                self.0.insert(field.name().to_owned(), value.to_owned());
            }
        }
        if event.metadata().target() == "kube_apply" {
            let mut fields = Fields(BTreeMap::new());
            event.record(&mut fields);
            self.0.lock().unwrap().push(fields.0);
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn wait_times_out_naming_what_is_not_ready() {
    use tracing_subscriber::layer::SubscriberExt;
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(recorder.clone()));
    let Some(t) = cluster("timeout").await else { return };
    let manifest = r#"apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: none-such
  resources:
    requests: {storage: 1Gi}
"#;
    let mut res = t.client.build("pvc.yaml", manifest).await.expect("build");
    t.client.apply(&mut res, &Default::default()).await.expect("apply");
    let err = t.client.wait_ready(&res, &quick_wait(2)).await.expect_err("never bound");
    let text = err.to_string();
    assert!(matches!(err, Error::Timeout { .. }), "{text}");
    assert!(text.contains(r#"PersistentVolumeClaim "data""#) && text.contains("is not bound"), "{text}");
    let events = recorder.0.lock().unwrap().clone();
    assert!(events.iter().any(|e| e.get("event").map(String::as_str) == Some("applied")), "{events:?}");
    let waiting = events.iter().find(|e| e.get("event").map(String::as_str) == Some("waiting")).expect("progress");
    assert_eq!((waiting["ready"].as_str(), waiting["total"].as_str()), ("0", "1"));
    assert!(waiting["not_ready"].contains("PersistentVolumeClaim is not bound"), "{waiting:?}");
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ownership_conflicts_use_helms_message() {
    let Some(t) = cluster("owner").await else { return };
    let mut unowned = t.client.build("cm.yaml", &configmap("taken", json!({"a": "1"}))).await.expect("build");
    t.client.create(&mut unowned, &Default::default()).await.expect("create unowned");

    let mut res = t.client.build("cm.yaml", &configmap("taken", json!({"a": "2"}))).await.expect("build");
    let err = t.client.apply(&mut res, &release(&t.ns, "mine")).await.expect_err("refused");
    let want = format!(
        r#"ConfigMap "taken" in namespace "{ns}" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"; annotation validation error: missing key "meta.helm.sh/release-name": must be set to "mine"; annotation validation error: missing key "meta.helm.sh/release-namespace": must be set to "{ns}""#,
        ns = t.ns
    );
    assert_eq!(err.to_string(), want);

    // Taking ownership adopts it; then another release is refused, naming the owner.
    let mut take = release(&t.ns, "mine");
    take.take_ownership = true;
    t.client.apply(&mut res, &take).await.expect("take ownership");
    let mut res2 = t.client.build("cm.yaml", &configmap("taken", json!({"a": "3"}))).await.expect("build");
    t.client.apply(&mut res2.clone(), &release(&t.ns, "mine")).await.expect("same release may update");
    let err = t.client.apply(&mut res2, &release(&t.ns, "other")).await.expect_err("other release refused");
    assert!(
        err.to_string().ends_with(r#"invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "other": current value is "mine""#),
        "{err}"
    );
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn server_side_apply_conflict_names_field_and_manager() {
    let Some(t) = cluster("ssa").await else { return };
    let res = t.client.build("cm.yaml", &configmap("shared", json!({"a": "theirs"}))).await.expect("build");
    let api: Api<DynamicObject> = Api::namespaced_with(t.client.client().clone(), &t.ns, &res[0].api_resource);
    api.patch("shared", &PatchParams::apply("other-tool"), &Patch::Apply(&res[0].object)).await.expect("other manager");

    let mut ours = t.client.build("cm.yaml", &configmap("shared", json!({"a": "ours"}))).await.expect("build");
    let err = t.client.apply(&mut ours, &Default::default()).await.expect_err("conflict");
    match &err {
        Error::ApplyConflict { conflicts, .. } => {
            assert_eq!(conflicts.len(), 1, "{err}");
            assert_eq!(conflicts[0].manager, "other-tool");
            assert_eq!(conflicts[0].field, ".data.a");
        }
        other => panic!("not a conflict: {other}"),
    }
    let force = ApplyOptions { force_conflicts: true, ..Default::default() };
    t.client.apply(&mut ours, &force).await.expect("forced");
    let live = t.client.get(&ours[0]).await.unwrap().unwrap();
    assert_eq!(live["data"]["a"], "ours");
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn crd_then_custom_resource_at_once() {
    let Some(t) = cluster("crd").await else { return };
    let group = format!("{}.example.com", t.ns);
    let cr = format!("apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n");
    let err = t.client.build("cr.yaml", &cr).await.expect_err("no CRD yet");
    assert!(matches!(err, Error::NoMatch { .. }), "{err}");
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("widgets.{group}")},
        "spec": {"group": group, "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}
    });
    let mut crds = t.client.build("crds/widget.yaml", &crd.to_string()).await.expect("build crd");
    assert!(!crds[0].namespaced);
    t.client.apply(&mut crds, &Default::default()).await.expect("apply crd");
    t.client.wait_ready(&crds, &quick_wait(60)).await.expect("established");
    let mut crs = t.client.build("cr.yaml", &cr).await.expect("mapped after rediscovery");
    assert!(crs[0].namespaced);
    t.client.apply(&mut crs, &release(&t.ns, "rel")).await.expect("apply cr");
    let live = t.client.get(&crs[0]).await.unwrap().unwrap();
    assert_eq!(live["spec"]["size"], 3);
    t.client.delete(&crs, Propagation::Background).await.expect("delete cr");
    t.client.delete(&crds, Propagation::Background).await.expect("delete crd");
    t.cleanup().await;
}

fn hook_doc(kind: &str, name: &str, event: &str, weight: i64, policy: Option<&str>) -> String {
    let mut annotations = json!({"helm.sh/hook": event, "helm.sh/hook-weight": weight.to_string()});
    if let Some(p) = policy {
        annotations["helm.sh/hook-delete-policy"] = json!(p);
    }
    let mut doc = json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "annotations": annotations}});
    match kind {
        "ConfigMap" => doc["data"] = json!({"run": "1"}),
        "Job" => {
            doc["apiVersion"] = json!("batch/v1");
            doc["spec"] = json!({"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never",
                "containers": [{"name": "c", "image": "example.invalid/job:1"}]}}});
        }
        _ => {}
    }
    serde_json::to_string(&doc).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn hooks_run_by_weight_with_delete_policies() {
    let Some(t) = cluster("hooks").await else { return };
    let mut files = BTreeMap::new();
    files.insert(
        "c/templates/a.yaml".to_owned(),
        hook_doc("ConfigMap", "late", "pre-install", 5, Some("hook-succeeded")),
    );
    files.insert("c/templates/b.yaml".to_owned(), hook_doc("ConfigMap", "early", "pre-install", -5, None));
    files.insert(
        "c/templates/c.yaml".to_owned(),
        hook_doc("Job", "migrate", "pre-install,pre-upgrade", 0, Some("before-hook-creation")),
    );
    files.insert("c/templates/d.yaml".to_owned(), hook_doc("ConfigMap", "after", "post-install", 0, None));
    let sorted = sort_manifests(&files, INSTALL_ORDER).expect("sort");
    assert_eq!(sorted.hooks.len(), 4);
    let options = HookOptions { timeout: Duration::from_secs(120), ..Default::default() };
    let runs = t.client.run_hooks(&sorted.hooks, HookEvent::PreInstall, &options).await.into_result().expect("hooks");
    let order: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(order, ["early", "migrate", "late"]);
    let exists = |name: &'static str, kind: &'static str| {
        let t = &t;
        async move {
            let doc = if kind == "Job" { hook_doc("Job", name, "x", 0, None) } else { configmap(name, json!({})) };
            let res = t.client.build("probe", &doc).await.unwrap();
            t.client.get(&res[0]).await.unwrap().is_some()
        }
    };
    assert!(exists("early", "ConfigMap").await, "default policy keeps it until next time");
    assert!(!exists("late", "ConfigMap").await, "hook-succeeded deletes it");
    assert!(exists("migrate", "Job").await);
    assert!(!exists("after", "ConfigMap").await, "post-install hooks did not run");
    // Running again recreates the before-hook-creation ones instead of failing on "already exists".
    t.client.run_hooks(&sorted.hooks, HookEvent::PreUpgrade, &options).await.into_result().expect("pre-upgrade");

    // A failing hook (a Pod that KWOK never completes) times out and reports it.
    let failing = sort_manifests(
        &BTreeMap::from([("c/templates/p.yaml".to_owned(), (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: stuck\n  annotations:\n    helm.sh/hook: pre-rollback\n    helm.sh/hook-delete-policy: hook-failed\nspec:\n  restartPolicy: Always\n  containers:\n  - name: c\n    image: example.invalid/x:1\n"
        ).to_owned())]),
        INSTALL_ORDER,
    )
    .unwrap();
    let quick = HookOptions { timeout: Duration::from_secs(3), ..Default::default() };
    let outcome = t.client.run_hooks(&failing.hooks, HookEvent::PreRollback, &quick).await;
    let err = outcome.error.expect("hook fails");
    assert!(matches!(err, Error::HookFailed { .. }), "{err}");
    assert!(err.to_string().starts_with("pre-rollback hook c/templates/p.yaml failed"), "{err}");
    assert!(!outcome.runs[0].succeeded);
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn uninstall_deletes_in_order_and_keeps_kept() {
    let Some(t) = cluster("delete").await else { return };
    let manifest = [
        "---\n# Source: c/templates/cm.yaml\n".to_owned() + &configmap("cfg", json!({"a": "1"})) + "\n",
        "---\n# Source: c/templates/keep.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: kept\n  annotations:\n    helm.sh/resource-policy: keep\nstringData:\n  k: v\n".to_owned(),
        "---\n# Source: c/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 80\n".to_owned(),
        "---\n# Source: c/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n".to_owned(),
    ]
    .concat();
    let mut all = t.client.build("release", &manifest).await.expect("build");
    t.client.apply(&mut all, &release(&t.ns, "rel")).await.expect("install");

    let sorted = sort_release_manifest(&manifest, UNINSTALL_ORDER).expect("sort");
    let (keep, remaining) = filter_manifests_to_keep(sorted.manifests);
    assert_eq!(keep.len(), 1);
    let text: String = remaining.iter().map(|m| format!("---\n{}\n", m.content)).collect();
    let to_delete = t.client.build("release", &text).await.expect("build");
    let deleted = t.client.delete(&to_delete, Propagation::Foreground).await.expect("delete");
    let kinds: Vec<&str> = deleted.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["Service", "ConfigMap", "ServiceAccount"]);
    t.client.wait_for_delete(&to_delete, Duration::from_secs(60)).await.expect("gone");
    let kept = all.iter().find(|r| r.name == "kept").unwrap();
    assert!(t.client.get(kept).await.unwrap().is_some(), "kept secret stays");
    // Deleting what is already gone is not an error.
    assert!(t.client.delete(&to_delete, Propagation::Background).await.expect("again").is_empty());
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn client_side_three_way_merge_removes_dropped_field() {
    let Some(t) = cluster("csa").await else { return };
    let v1 = configmap("app", json!({"keep": "1", "drop": "2"}));
    let v2 = configmap("app", json!({"keep": "changed"}));
    let opts = release(&t.ns, "rel");
    let mut r1 = t.client.build("cm.yaml", &v1).await.unwrap();
    let original = r1[0].object.clone();
    t.client.update_client_side(None, &mut r1[0], &opts).await.expect("create");
    // Someone else adds a field the chart never had.
    let api: Api<DynamicObject> = Api::namespaced_with(t.client.client().clone(), &t.ns, &r1[0].api_resource);
    api.patch("app", &PatchParams::default(), &Patch::Merge(json!({"data": {"theirs": "3"}}))).await.unwrap();

    let mut r2 = t.client.build("cm.yaml", &v2).await.unwrap();
    let mut original = original;
    kube_apply::set_ownership(&mut original, opts.release.as_ref().unwrap());
    t.client.update_client_side(Some(&original), &mut r2[0], &opts).await.expect("update");
    let live = t.client.get(&r2[0]).await.unwrap().unwrap();
    assert_eq!(live["data"], json!({"keep": "changed", "theirs": "3"}));
    t.cleanup().await;
}

/// The real `helm` refuses the same unowned object with the message our apply gives.
#[tokio::test(flavor = "multi_thread")]
async fn ownership_message_matches_real_helm() {
    let Some(helm) = support::helm_binary("ownership_message_matches_real_helm") else { return };
    let Some(t) = cluster("helmmsg").await else { return };
    let mut unowned = t.client.build("cm.yaml", &configmap("taken", json!({"a": "0"}))).await.unwrap();
    t.client.create(&mut unowned, &Default::default()).await.unwrap();

    let chart = std::env::temp_dir().join(format!("kube-apply-chart-{}", t.ns));
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
    std::fs::write(chart.join("templates/cm.yaml"), configmap("taken", json!({"a": "1"})) + "\n").unwrap();
    let out = std::process::Command::new(&helm)
        .args(["install", "mine"])
        .arg(&chart)
        .args(["-n", &t.ns, "--kubeconfig", &t.kubeconfig])
        .output()
        .expect("running helm");
    let _ = std::fs::remove_dir_all(&chart);
    let helm_err = String::from_utf8_lossy(&out.stderr);

    let mut res = t.client.build("cm.yaml", &configmap("taken", json!({"a": "1"}))).await.unwrap();
    let ours = t.client.apply(&mut res, &release(&t.ns, "mine")).await.expect_err("refused").to_string();
    assert!(!out.status.success());
    assert_eq!(helm_err.trim(), format!("Error: INSTALLATION FAILED: Unable to continue with install: {ours}"));
    t.cleanup().await;
}

/// crds/ of a chart and its subchart are created once, skipped when present, and their kinds map at once.
#[tokio::test(flavor = "multi_thread")]
async fn chart_crds_install_once_and_map() {
    let Some(t) = cluster("chartcrd").await else { return };
    let group = format!("{}.example.com", t.ns);
    let crd = |kind: &str, plural: &str| {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": format!("{plural}.{group}")},
            "spec": {"group": group, "scope": "Cluster",
                "names": {"plural": plural, "singular": plural.trim_end_matches('s'), "kind": kind},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}})
        .to_string()
    };
    let mut sub = chart_model::Chart::default();
    sub.metadata.name = "sub".into();
    sub.files.push(chart_model::File {
        name: "crds/gadget.yaml".into(),
        data: crd("Gadget", "gadgets").into_bytes().into(),
    });
    let mut top = chart_model::Chart::default();
    top.metadata.name = "top".into();
    top.files
        .push(chart_model::File { name: "crds/thing.json".into(), data: crd("Thing", "things").into_bytes().into() });
    top.files.push(chart_model::File { name: "crds/README.md".into(), data: b"not a crd".into() });
    top.dependencies.push(sub);
    let crds = kube_apply::crd_objects(&top);
    let names: Vec<&str> = crds.iter().map(|c| c.filename.as_str()).collect();
    assert_eq!(names, ["top/crds/thing.json", "top/charts/sub/crds/gadget.yaml"]);

    let created = t.client.install_crds(&crds).await.expect("install crds");
    assert_eq!(created.len(), 2);
    let cr = format!("apiVersion: {group}/v1\nkind: Gadget\nmetadata:\n  name: g1\n");
    let mut res = t.client.build("cr.yaml", &cr).await.expect("maps right after");
    assert!(!res[0].namespaced);
    t.client.apply(&mut res, &Default::default()).await.expect("apply cr");
    // A second install skips them.
    assert!(t.client.install_crds(&crds).await.expect("again").is_empty());
    t.client.delete(&res, Propagation::Background).await.unwrap();
    t.client.delete(&created, Propagation::Background).await.unwrap();
    t.cleanup().await;
}

/// An upgrade applies the new set and deletes what was dropped, except kept objects; both methods.
#[tokio::test(flavor = "multi_thread")]
async fn update_applies_and_deletes_dropped_objects() {
    use kube_apply::ApplyMethod;
    let Some(t) = cluster("update").await else { return };
    let kept = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n    helm.sh/resource-policy: keep\ndata:\n  a: \"1\"\n";
    for method in [ApplyMethod::ClientSide, ApplyMethod::ServerSide] {
        let tag = method.as_str();
        let v1 = format!(
            "{}\n---\n{}\n---\n{}",
            configmap(&format!("{tag}-a"), json!({"x": "1", "y": "2"})),
            configmap(&format!("{tag}-gone"), json!({})),
            kept.replace("name: kept", &format!("name: {tag}-kept"))
        );
        let v2 = configmap(&format!("{tag}-a"), json!({"x": "changed"}));
        let opts = release(&t.ns, tag);
        let old = t.client.build("v1", &v1).await.unwrap();
        let r1 = t.client.update(&[], &mut old.clone(), method, &opts).await.expect("install");
        assert_eq!(r1.created.len(), 3, "{tag}");
        let mut new = t.client.build("v2", &v2).await.unwrap();
        let r2 = t.client.update(&old, &mut new, method, &opts).await.expect("upgrade");
        assert_eq!(r2.updated.len(), 1, "{tag}");
        let deleted: Vec<&str> = r2.deleted.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(deleted, [format!("{tag}-gone")], "{tag}");
        let live = t.client.get(&new[0]).await.unwrap().unwrap();
        assert_eq!(live["data"], json!({"x": "changed"}), "{tag}: y removed from the live object");
        assert!(t.client.get(&old[2]).await.unwrap().is_some(), "{tag}: kept");
    }
    t.cleanup().await;
}

/// `lookup` answers an object, a list, an empty map for a missing object, and Helm's error for an unknown group.
#[tokio::test(flavor = "multi_thread")]
async fn lookup_as_helm() {
    let Some(t) = cluster("lookup").await else { return };
    let mut res = t.client.build("cm.yaml", &configmap("present", json!({"k": "v"}))).await.unwrap();
    t.client.apply(&mut res, &Default::default()).await.unwrap();
    let obj = t.client.lookup("v1", "ConfigMap", &t.ns, "present").await.unwrap();
    assert_eq!(obj["data"], json!({"k": "v"}));
    assert!(t.client.lookup("v1", "ConfigMap", &t.ns, "absent").await.unwrap().is_empty());
    let list = t.client.lookup("v1", "ConfigMap", &t.ns, "").await.unwrap();
    assert_eq!(list["kind"], "ConfigMapList");
    let item = list["items"].as_array().unwrap().iter().find(|i| i["metadata"]["name"] == "present").unwrap();
    assert_eq!((item["apiVersion"].as_str(), item["kind"].as_str()), (Some("v1"), Some("ConfigMap")));
    let ns = t.client.lookup("v1", "Namespace", "", &t.ns).await.unwrap();
    assert_eq!(ns["metadata"]["name"], t.ns.as_str());
    // The same through template-render's synchronous Lookup, as a render calls it.
    let kubeconfig = std::fs::read_to_string(&t.kubeconfig).unwrap();
    let ns = t.ns.clone();
    let (data, replicas_type) = tokio::task::spawn_blocking(move || {
        use template_render::helm::Lookup;
        let lookup = kube_apply::ClusterLookup::start(&kubeconfig, None).expect("lookup thread");
        let cm = lookup.lookup("v1", "ConfigMap", &ns, "present").expect("lookup");
        let list = lookup.lookup("v1", "ConfigMap", &ns, "").expect("list");
        let missing = lookup.lookup("v1", "ConfigMap", &ns, "absent").expect("missing");
        assert!(missing.is_empty());
        let err = lookup.lookup("nothing.example.com/v1", "Thing", "", "x").unwrap_err();
        assert!(err.starts_with("unable to get apiresource from unstructured"), "{err}");
        (cm["data"].clone(), list["items"].clone())
    })
    .await
    .unwrap();
    assert_eq!(data.as_map().and_then(|m| m.get("k")).and_then(chart_model::Value::as_str), Some("v"));
    assert!(matches!(replicas_type, chart_model::Value::List(_)));
    let err = t.client.lookup("nothing.example.com/v1", "Thing", "", "x").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "unable to get apiresource from unstructured: nothing.example.com/v1, Kind=Thing: the server could not find the requested resource"
    );
    t.cleanup().await;
}

/// Helm 3's client-side upgrade of a Deployment: a dropped env var goes, an injected sidecar stays.
#[tokio::test(flavor = "multi_thread")]
async fn client_side_strategic_merge_keeps_others_containers() {
    let Some(t) = cluster("smp").await else { return };
    let deployment = |image: &str, env: Json| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "app"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "smp"}},
                "template": {"metadata": {"labels": {"app": "smp"}},
                    "spec": {"containers": [{"name": "app", "image": image, "env": env}]}}}})
        .to_string()
    };
    let opts = release(&t.ns, "rel");
    let v1 = t
        .client
        .build("v1", &deployment("a:1", json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])))
        .await
        .unwrap();
    t.client.update(&[], &mut v1.clone(), kube_apply::ApplyMethod::ClientSide, &opts).await.expect("install");
    let api: Api<DynamicObject> = Api::namespaced_with(t.client.client().clone(), &t.ns, &v1[0].api_resource);
    let sidecar = json!({"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "s:1"}]}}}});
    api.patch("app", &PatchParams::default(), &Patch::Strategic(sidecar)).await.expect("inject sidecar");

    let mut v2 = t.client.build("v2", &deployment("a:2", json!([{"name": "A", "value": "1"}]))).await.unwrap();
    t.client.update(&v1, &mut v2, kube_apply::ApplyMethod::ClientSide, &opts).await.expect("upgrade");
    let live = t.client.get(&v2[0]).await.unwrap().unwrap();
    let containers = live["spec"]["template"]["spec"]["containers"].as_array().unwrap();
    let mut names: Vec<&str> = containers.iter().filter_map(|c| c["name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["app", "sidecar"]);
    let app = containers.iter().find(|c| c["name"] == "app").unwrap();
    assert_eq!(app["image"], "a:2");
    assert_eq!(app["env"], json!([{"name": "A", "value": "1"}]));
    t.cleanup().await;
}

/// A release installed by the real Helm 3 (client-side): our client-side upgrade removes a
/// field the chart dropped, where server-side apply would leave it behind (the field belongs
/// to helm's Update entry, not to an Apply one); this is why the apply method is kept per release.
#[tokio::test(flavor = "multi_thread")]
async fn helm3_installed_release_upgrades_client_side() {
    let Some(helm) = support::helm_binary("helm3_installed_release_upgrades_client_side") else { return };
    let Some(t) = cluster("helm3csa").await else { return };
    let chart = std::env::temp_dir().join(format!("kube-apply-chart-{}", t.ns));
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
    let v1 = |name: &str| configmap(name, json!({"keep": "1", "drop": "2"})) + "\n";
    std::fs::write(chart.join("templates/cm.yaml"), v1("csa") + "---\n" + &v1("ssa")).unwrap();
    let out = std::process::Command::new(&helm)
        .args(["install", "rel"])
        .arg(&chart)
        .args(["-n", &t.ns, "--kubeconfig", &t.kubeconfig])
        .output()
        .expect("running helm");
    let _ = std::fs::remove_dir_all(&chart);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let opts = release(&t.ns, "rel");
    let original = t.client.build("v1", &v1("csa")).await.unwrap();
    let mut new = t.client.build("v2", &configmap("csa", json!({"keep": "1"}))).await.unwrap();
    t.client.update(&original, &mut new, kube_apply::ApplyMethod::ClientSide, &opts).await.expect("csa upgrade");
    assert_eq!(t.client.get(&new[0]).await.unwrap().unwrap()["data"], json!({"keep": "1"}));

    let mut ssa = t.client.build("v2", &configmap("ssa", json!({"keep": "1"}))).await.unwrap();
    t.client.apply(&mut ssa, &opts).await.expect("ssa over helm 3's fields");
    assert_eq!(t.client.get(&ssa[0]).await.unwrap().unwrap()["data"], json!({"keep": "1", "drop": "2"}));
    t.cleanup().await;
}
