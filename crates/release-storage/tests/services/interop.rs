//! Real `helm` and release-storage on the same releases, both ways, for the Secret, ConfigMap and SQL drivers.

use std::path::{Path, PathBuf};

use release_storage::{Driver, Info, KubeDriver, Release, ReleaseChart, SqlDriver, Status, Storage, Time, release_key};
use serde_json::Value;

use crate::support::{Helm, TestDatabase, TestNamespace, client, kubeconfig, service};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo")
}

/// What a test needs: its namespace, helm set to the driver, and our driver on the same storage.
struct Setup {
    ns: TestNamespace,
    helm: Helm,
    driver: Box<dyn Driver>,
    _db: Option<TestDatabase>,
}

async fn setup(test: &str, driver: &str) -> Option<Setup> {
    let kc = kubeconfig(test)?;
    let helm_bin = service("HELM_API_TEST_HELM", test)?;
    let pg = if driver == "sql" { Some(service("HELM_API_TEST_POSTGRES", test)?) } else { None };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, &format!("rs-{driver}")).await;
    let mut helm = Helm::new(&helm_bin, &kc, driver);
    let (ours, db): (Box<dyn Driver>, _) = match driver {
        "secret" => (Box::new(KubeDriver::secrets(client, &ns.name)), None),
        "configmap" => (Box::new(KubeDriver::config_maps(client, &ns.name)), None),
        _ => {
            let db = TestDatabase::create(&pg.unwrap_or_default()).await;
            helm.sql = Some(db.url.clone());
            (Box::new(SqlDriver::connect(&db.url, &ns.name).await.expect("connect")), Some(db))
        }
    };
    Some(Setup { ns, helm, driver: ours, _db: db })
}

/// A release as helm-api would store it: the fixture chart, user values, a manifest and notes.
fn our_release(name: &str, namespace: &str, version: i64, status: Status) -> Release {
    let chart = chart_model::load::load(&fixture()).expect("load fixture");
    let now = Time::now();
    let mut config = chart_model::Map::new();
    config.insert("message".to_owned(), chart_model::Value::String(format!("ours-{version}")));
    Release {
        name: name.to_owned(),
        namespace: namespace.to_owned(),
        version,
        chart: Some(ReleaseChart::from(chart)),
        config,
        manifest: format!(
            "---\n# Source: demo/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  \
             name: {name}-config\ndata:\n  message: \"ours-{version}\"\n"
        ),
        info: Some(Info {
            first_deployed: now,
            last_deployed: now,
            description: format!("Written by release-storage ({version})"),
            status,
            notes: format!("Notes of {name}.\n"),
            ..Info::default()
        }),
        ..Release::default()
    }
}

fn s(v: &Value, k: &str) -> String {
    match &v[k] {
        Value::String(x) => x.clone(),
        other => other.to_string(),
    }
}

/// Real helm reads what we wrote (list, history, status, get values, get manifest), upgrades and rolls it back,
/// and we read what helm wrote.
async fn ours_then_helm(driver: &str) {
    let test = format!("ours_read_by_helm_{driver}");
    let Some(Setup { ns, helm, driver: ours, _db }) = setup(&test, driver).await else { return };
    let n = ns.name.as_str();
    let r1 = our_release("web", n, 1, Status::Superseded);
    let r2 = our_release("web", n, 2, Status::Deployed);
    ours.create(&release_key("web", 1), &r1).await.expect("create 1");
    ours.create(&release_key("web", 2), &r2).await.expect("create 2");

    let list = helm.json(&["list", "-n", n, "-o", "json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let row = &list[0];
    assert_eq!((s(row, "name"), s(row, "revision"), s(row, "status")), ("web".into(), "2".into(), "deployed".into()));
    assert_eq!(
        (s(row, "chart"), s(row, "app_version"), s(row, "namespace")),
        ("demo-0.1.0".into(), "1.2.3".into(), n.into())
    );

    let history = helm.json(&["history", "web", "-n", n, "-o", "json"]);
    let revs: Vec<(String, String, String)> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|h| (s(h, "revision"), s(h, "status"), s(h, "description")))
        .collect();
    assert_eq!(
        revs,
        [
            ("1".into(), "superseded".into(), "Written by release-storage (1)".into()),
            ("2".into(), "deployed".into(), "Written by release-storage (2)".into())
        ]
    );

    // helm status -o json is the release JSON without the chart: ours, field for field.
    let status = helm.json(&["status", "web", "-n", n, "-o", "json"]);
    let mut expected: Value = serde_json::from_str(&r2.to_json().expect("json")).expect("parse");
    expected.as_object_mut().expect("object").remove("chart");
    assert_eq!(status, expected);
    assert_eq!(helm.json(&["get", "values", "web", "-n", n, "-o", "json"]), serde_json::json!({"message": "ours-2"}));
    assert_eq!(helm.run(&["get", "manifest", "web", "-n", n]).trim_end(), r2.manifest.trim_end());
    assert_eq!(helm.json(&["get", "values", "web", "-n", n, "--revision", "1", "-o", "json"])["message"], "ours-1");

    // helm upgrades and rolls back over our records; we read its revisions.
    let chart = fixture().display().to_string();
    helm.run(&["upgrade", "web", &chart, "-n", n, "--set", "message=helm-3"]);
    helm.run(&["rollback", "web", "2", "-n", n]);
    let storage = Storage::new(ours);
    let mut history = storage.history("web").await.expect("history");
    history.sort_by_key(|r| r.version);
    let states: Vec<(i64, String)> = history.iter().map(|r| (r.version, r.status().to_string())).collect();
    assert_eq!(
        states,
        [(1, "superseded".into()), (2, "superseded".into()), (3, "superseded".into()), (4, "deployed".into())]
    );
    let rolled = storage.get("web", 4).await.expect("rev 4");
    assert_eq!(rolled.info.as_ref().map(|i| i.description.as_str()), Some("Rollback to 2"));
    assert_eq!(rolled.config.get("message"), Some(&chart_model::Value::String("ours-2".into())));
    assert_eq!(storage.deployed("web").await.expect("deployed").version, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ours_read_by_helm_secret() {
    ours_then_helm("secret").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ours_read_by_helm_configmap() {
    ours_then_helm("configmap").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ours_read_by_helm_sql() {
    ours_then_helm("sql").await;
}

/// A release installed by real helm, read back field for field; then we add a revision and helm rolls back over it.
async fn helm_then_ours(driver: &str) {
    let test = format!("helm_read_by_ours_{driver}");
    let Some(Setup { ns, helm, driver: ours, _db }) = setup(&test, driver).await else { return };
    let n = ns.name.as_str();
    let chart = fixture().display().to_string();
    helm.run(&[
        "install",
        "app",
        &chart,
        "-n",
        n,
        "--set",
        "message=from-helm",
        "--labels",
        "team=blue",
        "--wait",
        "--timeout",
        "120s",
    ]);
    helm.run(&["upgrade", "app", &chart, "-n", n, "--set", "replicas=2", "--wait", "--timeout", "120s"]);
    let storage = Storage::new(ours);

    // History: every field helm history shows.
    let mut ours_history = storage.history("app").await.expect("history");
    ours_history.sort_by_key(|r| r.version);
    let helm_history = helm.json(&["history", "app", "-n", n, "-o", "json"]);
    let helm_rows = helm_history.as_array().expect("history");
    assert_eq!(ours_history.len(), helm_rows.len());
    for (r, h) in ours_history.iter().zip(helm_rows) {
        let info = r.info.as_ref().expect("info");
        let chart = r.chart.as_ref().expect("chart");
        let updated: Value = serde_json::from_str(&r.to_json().expect("json")).expect("parse");
        assert_eq!(s(h, "revision"), r.version.to_string());
        assert_eq!(s(h, "status"), info.status.to_string());
        assert_eq!(s(h, "description"), info.description);
        assert_eq!(s(h, "updated"), updated["info"]["last_deployed"].as_str().unwrap_or_default());
        assert_eq!(s(h, "chart"), format!("{}-{}", chart.chart.metadata.name, chart.chart.metadata.version));
        assert_eq!(s(h, "app_version"), chart.chart.metadata.app_version);
    }

    // Each revision: the whole release JSON (helm status) and values, manifest, hooks, notes (helm get all).
    for r in &ours_history {
        let rev = r.version.to_string();
        let status = helm.json(&["status", "app", "-n", n, "--revision", &rev, "-o", "json"]);
        let mut ours_json: Value = serde_json::from_str(&r.to_json().expect("json")).expect("parse");
        ours_json.as_object_mut().expect("object").remove("chart");
        assert_eq!(status, ours_json, "revision {rev}");
        let values = helm.json(&["get", "values", "app", "-n", n, "--revision", &rev, "-o", "json"]);
        let ours_values: Value = serde_json::from_str(&ours_json["config"].to_string()).expect("config");
        assert_eq!(values, ours_values);
        let all = helm.run(&["get", "all", "app", "-n", n, "--revision", &rev]);
        assert!(all.contains(r.manifest.trim_end()), "manifest of {rev}");
        assert!(r.hooks.iter().all(|hook| all.contains(hook.manifest.trim_end())), "hooks of {rev}");
        assert!(all.contains(r.info.as_ref().map_or("", |i| i.notes.trim_end())));
    }
    // The custom label and metadata.
    let meta = helm.json(&["get", "metadata", "app", "-n", n, "-o", "json"]);
    let last = storage.last("app").await.expect("last");
    assert_eq!(s(&meta, "revision"), last.version.to_string());
    assert_eq!(s(&meta, "status"), "deployed");
    let got = storage.get("app", 1).await.expect("get 1");
    assert_eq!(got.labels.get("team").map(String::as_str), Some("blue"));

    // We add revision 3 (a copy of 1, as a rollback would) and helm sees it and rolls back over it.
    let mut superseded = last.clone();
    superseded.labels = storage.get("app", 2).await.expect("get 2").labels;
    superseded.set_status(Status::Superseded, "Superseded by release-storage");
    storage.update(&superseded).await.expect("update 2");
    let mut r3 = storage.get("app", 1).await.expect("get 1");
    r3.version = 3;
    r3.set_status(Status::Deployed, "Written by release-storage");
    storage.create(&r3).await.expect("create 3");
    let list = helm.json(&["list", "-n", n, "-o", "json"]);
    assert_eq!((s(&list[0], "revision"), s(&list[0], "status")), ("3".into(), "deployed".into()));
    helm.run(&["rollback", "app", "2", "-n", n, "--wait", "--timeout", "120s"]);
    let last = storage.last("app").await.expect("last");
    assert_eq!((last.version, last.status()), (4, Status::Deployed));
    assert_eq!(storage.get("app", 3).await.expect("get 3").status(), Status::Superseded);
    helm.run(&["uninstall", "app", "-n", n]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm_read_by_ours_secret() {
    helm_then_ours("secret").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm_read_by_ours_configmap() {
    helm_then_ours("configmap").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm_read_by_ours_sql() {
    helm_then_ours("sql").await;
}
