//! The driver test suite, written once and run against every driver (memory here; Secrets, ConfigMaps and SQL in tests/services).
//!
//! `run` needs a driver bound to namespace `default` with no releases in it.

use std::collections::BTreeMap;

use release_storage::{Driver, Error, Info, Release, Status, Time, release_key};

/// A small release in namespace `default`.
pub fn release(name: &str, version: i64, status: Status) -> Release {
    let mut r = Release {
        name: name.to_owned(),
        version,
        namespace: "default".to_owned(),
        manifest: format!("kind: ConfigMap\nmetadata:\n  name: {name}-{version}\n"),
        info: Some(Info {
            status,
            first_deployed: Time::from_unix(1_700_000_000, 0, 0),
            last_deployed: Time::from_unix(1_700_000_000 + version, 5, 0),
            description: "test <release>".to_owned(),
            ..Info::default()
        }),
        ..Release::default()
    };
    r.config.insert("n".to_owned(), chart_model::Value::Float64(version as f64));
    r
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn json(r: &Release) -> String {
    r.to_json().expect("encodes")
}

fn versions(mut rs: Vec<Release>) -> Vec<(String, i64)> {
    rs.sort_by(|a, b| (&a.name, a.version).cmp(&(&b.name, b.version)));
    rs.into_iter().map(|r| (r.name, r.version)).collect()
}

/// Every behaviour a driver must share with Helm's drivers.
pub async fn run<D: Driver + ?Sized>(driver: &D) {
    // Empty storage.
    assert!(matches!(driver.get(&release_key("web", 1)).await, Err(Error::ReleaseNotFound)));
    assert!(matches!(driver.query(&labels(&[("owner", "helm")])).await, Err(Error::ReleaseNotFound)));
    assert!(driver.list(&|_| true).await.expect("list").is_empty());

    // Create and get.
    let web1 = release("web", 1, Status::Superseded);
    let web2 = release("web", 2, Status::Deployed);
    let api1 = release("api", 1, Status::Failed);
    for r in [&web1, &web2, &api1] {
        driver.create(&release_key(&r.name, r.version), r).await.expect("create");
    }
    let got = driver.get(&release_key("web", 2)).await.expect("get");
    assert_eq!(json(&got), json(&web2));
    assert!(matches!(driver.create(&release_key("web", 2), &web2).await, Err(Error::ReleaseExists)));
    assert!(matches!(driver.get(&release_key("web", 3)).await, Err(Error::ReleaseNotFound)));

    // List with a filter.
    assert_eq!(versions(driver.list(&|_| true).await.expect("list")).len(), 3);
    let deployed = driver.list(&|r| r.status() == Status::Deployed).await.expect("list");
    assert_eq!(versions(deployed), [("web".to_owned(), 2)]);
    assert!(driver.list(&|r| r.name == "nothing").await.expect("list").is_empty());

    // Query by labels.
    let history = driver.query(&labels(&[("name", "web"), ("owner", "helm")])).await.expect("query");
    assert_eq!(versions(history), [("web".to_owned(), 1), ("web".to_owned(), 2)]);
    let failed = driver.query(&labels(&[("status", "failed")])).await.expect("query");
    assert_eq!(versions(failed), [("api".to_owned(), 1)]);
    let v2 = driver.query(&labels(&[("name", "web"), ("version", "2")])).await.expect("query");
    assert_eq!(versions(v2), [("web".to_owned(), 2)]);
    assert!(matches!(
        driver.query(&labels(&[("name", "web"), ("status", "failed")])).await,
        Err(Error::ReleaseNotFound)
    ));

    // Summaries: name, revision and status without the payloads.
    let mut all: Vec<(String, i64, Status)> = driver
        .summaries(&BTreeMap::new())
        .await
        .expect("summaries")
        .into_iter()
        .map(|s| (s.name, s.version, s.status))
        .collect();
    all.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    assert_eq!(
        all,
        [
            ("api".to_owned(), 1, Status::Failed),
            ("web".to_owned(), 1, Status::Superseded),
            ("web".to_owned(), 2, Status::Deployed)
        ]
    );
    let deployed = driver.summaries(&labels(&[("status", "deployed")])).await.expect("summaries");
    assert_eq!(deployed.iter().map(|s| (s.name.as_str(), s.version)).collect::<Vec<_>>(), [("web", 2)]);
    assert!(driver.summaries(&labels(&[("name", "nothing")])).await.expect("summaries").is_empty());

    // Update: the new status shows in labels and content.
    let mut web2b = web2.clone();
    web2b.set_status(Status::Superseded, "Superseded by <3>");
    driver.update(&release_key("web", 2), &web2b).await.expect("update");
    assert_eq!(json(&driver.get(&release_key("web", 2)).await.expect("get")), json(&web2b));
    assert!(matches!(
        driver.query(&labels(&[("name", "web"), ("status", "deployed")])).await,
        Err(Error::ReleaseNotFound)
    ));
    let missing = release("web", 9, Status::Deployed);
    assert!(matches!(driver.update(&release_key("web", 9), &missing).await, Err(Error::ReleaseNotFound)));

    // Delete returns the release and forgets it.
    let deleted = driver.delete(&release_key("web", 1)).await.expect("delete");
    assert_eq!(json(&deleted), json(&web1));
    assert!(matches!(driver.get(&release_key("web", 1)).await, Err(Error::ReleaseNotFound)));
    assert!(matches!(driver.delete(&release_key("web", 1)).await, Err(Error::ReleaseNotFound)));
    assert_eq!(versions(driver.list(&|_| true).await.expect("list")).len(), 2);

    // Clean up, so a persistent backend is left as found.
    for key in [release_key("web", 2), release_key("api", 1)] {
        driver.delete(&key).await.expect("delete");
    }
    assert!(driver.list(&|_| true).await.expect("list").is_empty());
}
