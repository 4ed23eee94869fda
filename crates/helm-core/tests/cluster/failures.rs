//! Failure paths on the cluster, each checked against the real helm's text where helm has one: a hook
//! Job that fails, ownership conflicts (another release's object, nobody's; install and upgrade; with
//! and without take-ownership), a user RBAC refuses, and Helm 3's `--force` / Helm 4's `--force-conflicts`.

use std::path::Path;
use std::time::Duration;

use helm_core::{Configuration, Error, Install, InstallOptions, ServerSide, StorageDriver, Upgrade, UpgradeOptions};
use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{ConfigMap, ServiceAccount};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use kube::api::{Api, Patch, PatchParams, PostParams};
use release_storage::{HookPhase, Status};

use crate::support::{TestCluster, cluster, helm_binary, values};

fn fixture_dir(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cluster/charts").join(name).display().to_string()
}

fn fixture(name: &str) -> chart_model::Chart {
    chart_model::load::load(Path::new(&fixture_dir(name))).expect("loading a fixture chart")
}

fn install(name: &str) -> InstallOptions {
    InstallOptions {
        release_name: name.to_owned(),
        timeout: Duration::from_secs(60),
        server_side: ServerSide::False,
        ..InstallOptions::default()
    }
}

fn upgrade() -> UpgradeOptions {
    UpgradeOptions { timeout: Duration::from_secs(60), ..UpgradeOptions::default() }
}

async fn description(config: &Configuration, name: &str) -> String {
    helm_core::release_info::status(config, name, 0).await.unwrap().info.unwrap_or_default().description
}

/// The real helm's error: stderr from `Error: `, without `prefix` and the final newline.
fn helm_error(stderr: &str, prefix: &str) -> String {
    let at = stderr.find("Error: ").unwrap_or_else(|| panic!("no error in {stderr}"));
    let text = &stderr[at + "Error: ".len()..];
    let text = text.strip_prefix(prefix).unwrap_or(text);
    text.strip_suffix('\n').unwrap_or(text).to_owned()
}

/// Runs the real helm (if there is one) in the test's namespace with the admin kubeconfig.
fn helm(t: &TestCluster, args: &[&str]) -> Option<(bool, String, String)> {
    helm_binary("failures").map(|h| t.helm_as(&h, &t.kubeconfig, args))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_hook_job() {
    let Some(t) = cluster("hookjob").await else { return };
    let c = fixture("hookfail");
    let err = Install::new(t.config.clone(), install("hj-rs")).run(&c, &values(&[])).await.unwrap_err();
    let ours = description(&t.config, "hj-rs").await;
    // Helm 3.22's text (WatchUntilReady's multierror), checked against the real helm below.
    let expected = "failed pre-install: 1 error occurred:\n\t* job hj-rs-hook failed: DeadlineExceeded\n\n";
    assert_eq!(ours, format!("Release \"hj-rs\" failed: {expected}"), "{err}");
    assert_eq!(err.to_string(), expected);
    let rel = helm_core::release_info::status(&t.config, "hj-rs", 0).await.unwrap();
    assert_eq!((rel.status(), rel.hooks[0].last_run.phase.clone()), (Status::Failed, HookPhase::Failed));
    assert!(t.get("v1", "ConfigMap", "hj-rs-config").await.is_none(), "nothing installed after the failed hook");
    if let Some((ok, _, stderr)) = helm(&t, &["install", "hj-hl", &fixture_dir("hookfail"), "--timeout", "60s"]) {
        assert!(!ok);
        assert_eq!(helm_error(&stderr, "INSTALLATION FAILED: ").replace("hj-hl", "hj-rs"), err.to_string());
        assert_eq!(description(&t.config, "hj-hl").await.replace("hj-hl", "hj-rs"), ours);
    }
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ownership_conflicts() {
    let Some(t) = cluster("owner").await else { return };
    let c = fixture("owned");
    let dir = fixture_dir("owned");
    // As helm would name things for its own releases (`-hl`) in place of ours (`-rs`).
    let ours = |s: &str| s.replace("-hl", "-rs");
    let no_service = ["service=false"];

    // An object of another release: refused at install, with Helm's text, nothing stored.
    Install::new(t.config.clone(), install("one-rs"))
        .run(&c, &values(&["service=false", "shared=shared-rs"]))
        .await
        .unwrap();
    let err = Install::new(t.config.clone(), install("two-rs"))
        .run(&c, &values(&["service=false", "shared=shared-rs"]))
        .await
        .unwrap_err();
    let expected = format!(
        "Unable to continue with install: ConfigMap \"shared-rs\" in namespace \"{}\" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key \"meta.helm.sh/release-name\" must equal \"two-rs\": current value is \"one-rs\"",
        t.ns
    );
    assert_eq!(err.to_string(), expected);
    assert!(helm_core::release_info::status(&t.config, "two-rs", 0).await.is_err());
    if helm(&t, &["install", "one-hl", &dir, "--set", "service=false,shared=shared-hl"]).is_some() {
        let (ok, _, stderr) =
            helm(&t, &["install", "two-hl", &dir, "--set", "service=false,shared=shared-hl"]).unwrap();
        assert!(!ok);
        assert_eq!(ours(&helm_error(&stderr, "INSTALLATION FAILED: ")), expected);
    }
    // With take-ownership the install adopts it.
    let rel = Install::new(t.config.clone(), InstallOptions { take_ownership: true, ..install("two-rs") })
        .run(&c, &values(&["service=false", "shared=shared-rs"]))
        .await
        .unwrap();
    assert_eq!(rel.status(), Status::Deployed);
    let cm = t.get("v1", "ConfigMap", "shared-rs").await.unwrap();
    assert_eq!(cm["metadata"]["annotations"]["meta.helm.sh/release-name"], "two-rs");
    assert_eq!(cm["data"]["from"], "two-rs");

    // An object of nobody's, new to an upgrade: refused, then adopted with take-ownership.
    let doc = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "nobody-rs"},
        "data": {"kept": "yes"}});
    let mut res = t.config.kube().build("pre", &doc.to_string()).await.unwrap();
    t.config.kube().create(&mut res, &Default::default()).await.unwrap();
    Install::new(t.config.clone(), install("three-rs")).run(&c, &values(&no_service)).await.unwrap();
    let err = Upgrade::new(t.config.clone(), upgrade())
        .run("three-rs", &c, &values(&["service=false", "shared=nobody-rs"]))
        .await
        .unwrap_err();
    let expected = format!(
        "Unable to continue with update: ConfigMap \"nobody-rs\" in namespace \"{ns}\" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"three-rs\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"{ns}\"",
        ns = t.ns
    );
    assert_eq!(err.to_string(), expected);
    assert_eq!(helm_core::release_info::history(&t.config, "three-rs", 0).await.unwrap().len(), 1, "nothing stored");
    if let Some(helm_bin) = helm_binary("failures") {
        let doc = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "nobody-hl"}});
        let mut res = t.config.kube().build("pre", &doc.to_string()).await.unwrap();
        t.config.kube().create(&mut res, &Default::default()).await.unwrap();
        t.helm(&helm_bin, &["install", "three-hl", &dir, "--set", "service=false"]);
        let (ok, _, stderr) = t.helm_as(
            &helm_bin,
            &t.kubeconfig,
            &["upgrade", "three-hl", &dir, "--set", "service=false,shared=nobody-hl"],
        );
        assert!(!ok);
        assert_eq!(ours(&helm_error(&stderr, "UPGRADE FAILED: ")), expected);
    }
    let up = Upgrade::new(t.config.clone(), UpgradeOptions { take_ownership: true, ..upgrade() })
        .run("three-rs", &c, &values(&["service=false", "shared=nobody-rs"]))
        .await
        .unwrap();
    assert_eq!((up.version, up.status()), (2, Status::Deployed));
    let cm = t.get("v1", "ConfigMap", "nobody-rs").await.unwrap();
    assert_eq!(cm["metadata"]["labels"]["app.kubernetes.io/managed-by"], "Helm");
    assert_eq!(cm["metadata"]["annotations"]["meta.helm.sh/release-name"], "three-rs");
    assert_eq!((cm["data"]["from"].as_str(), cm["data"]["kept"].as_str()), (Some("three-rs"), Some("yes")));
    t.cleanup().await;
}

/// A kubeconfig (JSON, which is YAML) for service account `sa` of `ns`, from a TokenRequest.
async fn service_account_kubeconfig(t: &TestCluster, sa: &str) -> String {
    let client = t.config.kube().client().clone();
    let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), &t.ns);
    let account = ServiceAccount {
        metadata: kube::api::ObjectMeta { name: Some(sa.to_owned()), ..Default::default() },
        ..Default::default()
    };
    accounts.create(&PostParams::default(), &account).await.unwrap();
    let request = TokenRequest {
        spec: Some(TokenRequestSpec { expiration_seconds: Some(3600), ..Default::default() }),
        ..Default::default()
    };
    let token: TokenRequest = accounts.create_subresource("token", sa, &PostParams::default(), &request).await.unwrap();
    let token = token.status.unwrap().token;
    let admin = kube::config::Kubeconfig::from_yaml(&std::fs::read_to_string(&t.kubeconfig).unwrap()).unwrap();
    let cluster = admin.clusters[0].cluster.clone().unwrap();
    serde_json::json!({
        "apiVersion": "v1", "kind": "Config", "current-context": "limited",
        "clusters": [{"name": "c", "cluster": {"server": cluster.server,
            "certificate-authority-data": cluster.certificate_authority_data,
            "certificate-authority": cluster.certificate_authority}}],
        "users": [{"name": sa, "user": {"token": token}}],
        "contexts": [{"name": "limited", "context": {"cluster": "c", "user": sa, "namespace": t.ns}}],
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rbac_refusal() {
    let Some(t) = cluster("rbac").await else { return };
    let client = t.config.kube().client().clone();
    // Read everything; write Secrets (releases), Leases (locks), ConfigMaps and Deployments; never Services.
    let rule = |groups: &[&str], resources: &[&str], verbs: &[&str]| PolicyRule {
        api_groups: Some(groups.iter().map(|s| (*s).to_owned()).collect()),
        resources: Some(resources.iter().map(|s| (*s).to_owned()).collect()),
        verbs: verbs.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    };
    let write = ["create", "update", "patch", "delete"];
    let role = Role {
        metadata: kube::api::ObjectMeta { name: Some("limited".into()), ..Default::default() },
        rules: Some(vec![
            rule(&["*"], &["*"], &["get", "list", "watch"]),
            rule(&[""], &["secrets", "configmaps"], &write),
            rule(&["apps"], &["deployments"], &write),
            rule(&["coordination.k8s.io"], &["leases"], &write),
        ]),
    };
    Api::<Role>::namespaced(client.clone(), &t.ns).create(&PostParams::default(), &role).await.unwrap();
    let binding = RoleBinding {
        metadata: kube::api::ObjectMeta { name: Some("limited".into()), ..Default::default() },
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "Role".into(),
            name: "limited".into(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: "limited".into(),
            namespace: Some(t.ns.clone()),
            ..Default::default()
        }]),
    };
    Api::<RoleBinding>::namespaced(client.clone(), &t.ns).create(&PostParams::default(), &binding).await.unwrap();
    let kubeconfig = service_account_kubeconfig(&t, "limited").await;
    let limited = Configuration::from_kubeconfig_yaml(&kubeconfig, None, Some(&t.ns), StorageDriver::Secret)
        .await
        .expect("a configuration for the service account");
    // The authorizer learns of the new Role and RoleBinding a moment later: wait until the account
    // may read releases (a missing release, not a refused query).
    for _ in 0..100 {
        match helm_core::release_info::history(&limited, "rb-rs", 0).await {
            Err(Error::Storage(m)) if m == "release: not found" => break,
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let c = fixture("owned");
    let err = Install::new(limited.clone(), install("rb-rs")).run(&c, &values(&[])).await.unwrap_err();
    let expected = format!(
        "Release \"rb-rs\" failed: 1 error occurred:\n\t* services is forbidden: User \"system:serviceaccount:{ns}:limited\" cannot create resource \"services\" in API group \"\" in the namespace \"{ns}\"\n\n",
        ns = t.ns
    );
    assert_eq!(description(&limited, "rb-rs").await, expected, "{err}");
    assert!(t.get("v1", "ConfigMap", "rb-rs-own").await.is_some(), "objects before the refused one exist");
    assert!(t.get("v1", "Service", "rb-rs-svc").await.is_none());
    if let Some(helm_bin) = helm_binary("failures") {
        let path = std::env::temp_dir().join(format!("hc-rbac-{}.kubeconfig", std::process::id()));
        std::fs::write(&path, &kubeconfig).unwrap();
        let (ok, _, stderr) =
            t.helm_as(&helm_bin, path.to_str().unwrap(), &["install", "rb-hl", &fixture_dir("owned")]);
        let _ = std::fs::remove_file(&path);
        assert!(!ok, "{stderr}");
        assert_eq!(description(&t.config, "rb-hl").await.replace("rb-hl", "rb-rs"), expected);
    }
    // An operation the account may not do at all: uninstalling is refused on the Service too,
    // and the release is recorded failed, not left `uninstalling`.
    let err = helm_core::Uninstall::new(limited.clone(), helm_core::UninstallOptions::default())
        .run("rb-rs")
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("uninstallation completed with 1 error(s): "), "{err}");
    let last = helm_core::release_info::status(&t.config, "rb-rs", 0).await.unwrap();
    assert_eq!(last.status(), Status::Failed);
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_replace_and_force_conflicts() {
    let Some(t) = cluster("force").await else { return };
    let c = fixture("owned");
    let client = t.config.kube().client().clone();
    let configmaps: Api<ConfigMap> = Api::namespaced(client.clone(), &t.ns);
    let add_extra = |name: String| {
        let configmaps = configmaps.clone();
        async move {
            let patch = serde_json::json!({"data": {"extra": "theirs"}});
            configmaps.patch(&name, &PatchParams::default(), &Patch::Merge(&patch)).await.unwrap();
        }
    };
    let data = |cm: serde_json::Value| {
        (cm["data"]["message"].as_str().map(str::to_owned), cm["data"]["extra"].as_str().map(str::to_owned))
    };
    // Client-side (Helm 3): a field someone else added survives a patch, not a replace (--force).
    Install::new(t.config.clone(), install("frc-rs")).run(&c, &values(&["service=false"])).await.unwrap();
    add_extra("frc-rs-own".into()).await;
    Upgrade::new(t.config.clone(), upgrade())
        .run("frc-rs", &c, &values(&["service=false", "message=two"]))
        .await
        .unwrap();
    let cm = t.get("v1", "ConfigMap", "frc-rs-own").await.unwrap();
    assert_eq!(data(cm), (Some("two".into()), Some("theirs".into())));
    Upgrade::new(t.config.clone(), UpgradeOptions { force: true, ..upgrade() })
        .run("frc-rs", &c, &values(&["service=false", "message=three"]))
        .await
        .unwrap();
    let cm = t.get("v1", "ConfigMap", "frc-rs-own").await.unwrap();
    assert_eq!(data(cm.clone()), (Some("three".into()), None), "--force replaced the object");
    assert_eq!(cm["metadata"]["annotations"]["meta.helm.sh/release-name"], "frc-rs");
    // The real helm's --force does the same.
    if let Some(helm_bin) = helm_binary("failures") {
        let dir = fixture_dir("owned");
        t.helm(&helm_bin, &["install", "frc-hl", &dir, "--set", "service=false"]);
        add_extra("frc-hl-own".into()).await;
        t.helm(&helm_bin, &["upgrade", "frc-hl", &dir, "--force", "--set", "service=false,message=three"]);
        let cm = t.get("v1", "ConfigMap", "frc-hl-own").await.unwrap();
        assert_eq!(data(cm), (Some("three".into()), None));
    }
    // --force-conflicts is for server-side apply only, as Helm 4 checks; nothing is stored.
    let err = Upgrade::new(t.config.clone(), UpgradeOptions { force_conflicts: true, ..upgrade() })
        .run("frc-rs", &c, &values(&["service=false"]))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::Options("invalid client update option(s): forceConflicts enabled when serverSideApply disabled".into())
    );

    // Server-side (Helm 4): a field another manager took is a conflict naming it, unless forced.
    let ssa = InstallOptions { server_side: ServerSide::True, ..install("ssa-rs") };
    Install::new(t.config.clone(), ssa).run(&c, &values(&["service=false"])).await.unwrap();
    let theirs = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "ssa-rs-own"}, "data": {"message": "theirs"}});
    configmaps.patch("ssa-rs-own", &PatchParams::apply("other").force(), &Patch::Apply(&theirs)).await.unwrap();
    let err = Upgrade::new(t.config.clone(), upgrade())
        .run("ssa-rs", &c, &values(&["service=false", "message=mine"]))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("conflict with \"other\"") && text.contains(".data.message"), "{text}");
    let err = Upgrade::new(t.config.clone(), UpgradeOptions { force: true, ..upgrade() })
        .run("ssa-rs", &c, &values(&["service=false", "message=mine"]))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::Options("invalid operation: cannot use server-side apply and force replace together".into())
    );
    let up = Upgrade::new(t.config.clone(), UpgradeOptions { force_conflicts: true, ..upgrade() })
        .run("ssa-rs", &c, &values(&["service=false", "message=mine"]))
        .await
        .unwrap();
    assert_eq!(up.status(), Status::Deployed);
    let cm = t.get("v1", "ConfigMap", "ssa-rs-own").await.unwrap();
    assert_eq!(cm["data"]["message"], "mine");
    let history = helm_core::release_info::history(&t.config, "ssa-rs", 0).await.unwrap();
    let s: Vec<_> = history.iter().map(|r| r.status()).collect();
    assert_eq!(s, vec![Status::Superseded, Status::Failed, Status::Deployed]);
    t.cleanup().await;
}
