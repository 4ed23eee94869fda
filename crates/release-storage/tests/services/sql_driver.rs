//! The driver suite on the SQL driver over a real PostgreSQL, and Helm's tables.

use std::collections::BTreeMap;

use release_storage::{Driver, Error, SqlDriver, Status, release_key};

use crate::suite;
use crate::support::{TestDatabase, service};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_driver_passes_the_suite() {
    let Some(url) = service("HELM_API_TEST_POSTGRES", "sql_driver_passes_the_suite") else { return };
    let db = TestDatabase::create(&url).await;
    let driver = SqlDriver::connect(&db.url, "default").await.expect("connect");
    assert_eq!(driver.name(), "SQL");
    suite::run(&driver).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_tables_labels_and_namespaces() {
    let Some(url) = service("HELM_API_TEST_POSTGRES", "sql_tables_labels_and_namespaces") else { return };
    let db = TestDatabase::create(&url).await;
    let driver = SqlDriver::connect(&db.url, "default").await.expect("connect");
    // A second connection finds the migrations applied and changes nothing (sslmode unset: TLS when offered).
    let plain = db.url.replace("?sslmode=disable", "").replace("&sslmode=disable", "");
    let again = SqlDriver::connect(&plain, "default").await.expect("connect again, sslmode unset");

    let mut r = suite::release("web", 1, Status::Deployed);
    r.namespace = "team-a".to_owned();
    r.labels = BTreeMap::from([("team".to_owned(), "blue".to_owned()), ("name".to_owned(), "ignored".to_owned())]);
    driver.create(&release_key("web", 1), &r).await.expect("create");
    // As Helm's driver, create switches to the release's namespace.
    assert_eq!(driver.namespace(), "team-a");
    let got = driver.get(&release_key("web", 1)).await.expect("get");
    assert_eq!(got.labels, BTreeMap::from([("team".to_owned(), "blue".to_owned())]));
    let listed = driver.list(&|_| true).await.expect("list");
    assert_eq!(listed[0].labels.get("owner").map(String::as_str), Some("helm"));
    assert_eq!(listed[0].labels.get("team").map(String::as_str), Some("blue"));

    // Other namespaces do not see it, all namespaces do.
    again.set_namespace("default");
    assert!(matches!(again.get(&release_key("web", 1)).await, Err(Error::ReleaseNotFound)));
    again.set_namespace("");
    assert_eq!(again.list(&|_| true).await.expect("list").len(), 1);

    // Queries on a column Helm does not have are refused as Helm refuses them.
    let bad = BTreeMap::from([("team".to_owned(), "blue".to_owned())]);
    assert_eq!(driver.query(&bad).await.expect_err("unknown").to_string(), "unknown label team");
    let by_version = BTreeMap::from([("version".to_owned(), "1".to_owned()), ("name".to_owned(), "web".to_owned())]);
    assert_eq!(driver.query(&by_version).await.expect("query").len(), 1);

    let deleted = driver.delete(&release_key("web", 1)).await.expect("delete");
    assert_eq!(deleted.labels.get("team").map(String::as_str), Some("blue"));
    assert!(matches!(driver.delete(&release_key("web", 1)).await, Err(Error::ReleaseNotFound)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_tls_modes_as_lib_pq() {
    let Some(url) = service("HELM_API_TEST_POSTGRES", "sql_tls_modes_as_lib_pq") else { return };
    let Some(ca) = service("HELM_API_TEST_POSTGRES_CA", "sql_tls_modes_as_lib_pq") else { return };
    let db = TestDatabase::create(&url).await;
    let plain = db.url.replace("?sslmode=disable", "").replace("&sslmode=disable", "");
    let with = |extra: &str| format!("{plain}{}{extra}", if plain.contains('?') { '&' } else { '?' });
    // require: encrypted, any certificate (libpq's meaning); verify-full: the test CA and the host name.
    for mode in ["sslmode=require", "sslmode=prefer", &format!("sslmode=verify-full&sslrootcert={ca}")] {
        let driver = SqlDriver::connect(&with(mode), "default").await.unwrap_or_else(|e| panic!("{mode}: {e:?}"));
        let r = suite::release("tls", 1, Status::Deployed);
        driver.create(&release_key("tls", 1), &r).await.expect("create");
        assert_eq!(driver.get(&release_key("tls", 1)).await.expect("get").version, 1);
        driver.delete(&release_key("tls", 1)).await.expect("delete");
    }
    // verify-full against the system's roots refuses the test CA's certificate.
    assert!(SqlDriver::connect(&with("sslmode=verify-full"), "default").await.is_err());
}
