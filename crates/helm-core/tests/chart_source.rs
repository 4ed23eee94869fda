//! helm-core's chart_source against real servers on loopback (repo-index's test harness):
//! nginx serving a repository behind basic auth and TLS, and docker-registry with htpasswd
//! and TLS. Skipped (one stderr line) when nginx, openssl, perl or docker-registry is
//! missing, unless HELM_API_TEST_REQUIRE=1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../repo-index/tests/support/services.rs"]
mod services;

use chart_model::Chart;
use helm_core::chart_source::{
    self, ChartOrigin, ChartPathOptions, RegistryClient, RegistryOptions, RepositoryEntry, RepositorySettings,
    SearchOptions,
};
use helm_core::{fetch_chart, locate_chart, update_repositories};
use services::{Nginx, Registry, TempDir, require_binary};

fn chart(name: &str, version: &str) -> (Chart, Vec<u8>, String) {
    let mut chart = Chart::default();
    chart.metadata.api_version = "v2".into();
    chart.metadata.name = name.into();
    chart.metadata.version = version.into();
    chart.metadata.description = format!("The {name} chart");
    chart.templates.push(chart_model::File::new("templates/cm.yaml", "kind: ConfigMap\n"));
    let package = chart_model::package::package(&chart).unwrap();
    (chart, package.data, package.digest)
}

fn write_repository(dir: &std::path::Path, charts: &[(&str, &str)], corrupt: Option<&str>) {
    std::fs::create_dir_all(dir).unwrap();
    let mut index = String::from("apiVersion: v1\nentries:\n");
    let mut names: Vec<&str> = charts.iter().map(|(n, _)| *n).collect();
    names.dedup();
    for name in names {
        index.push_str(&format!("  {name}:\n"));
        for (n, v) in charts.iter().filter(|(n, _)| *n == name) {
            let (_, data, digest) = chart(n, v);
            let file = format!("{n}-{v}.tgz");
            let digest = if corrupt == Some(v) { "0".repeat(64) } else { digest };
            std::fs::write(dir.join(&file), data).unwrap();
            index.push_str(&format!(
                "  - apiVersion: v2\n    name: {n}\n    version: {v}\n    description: The {n} chart\n    digest: {digest}\n    urls:\n    - {file}\n"
            ));
        }
    }
    std::fs::write(dir.join("index.yaml"), index).unwrap();
}

#[tokio::test]
async fn repository_charts_through_basic_auth_and_tls() {
    let test = "repository_charts_through_basic_auth_and_tls";
    let Some(_) = require_binary("openssl", test) else { return };
    let Some(nginx) = require_binary("nginx", test).map(|b| Nginx::start(&b)) else { return };
    write_repository(
        &nginx.www.join("private"),
        &[("app", "2.0.0-beta.1"), ("app", "1.2.0"), ("app", "1.1.0"), ("broken", "0.1.0")],
        Some("0.1.0"),
    );
    let cache = TempDir::new("chart-source-cache");
    let entry = RepositoryEntry {
        name: "private".into(),
        url: nginx.https("private"),
        username: "helm".into(),
        password: "s3cret".into(),
        ca_file: nginx.certs.ca.display().to_string(),
        ..Default::default()
    };
    let down = RepositoryEntry { name: "down".into(), url: "http://127.0.0.1:1/charts".into(), ..Default::default() };
    let settings = RepositorySettings {
        cache_dir: cache.0.clone(),
        repositories: vec![entry.clone(), down.clone()],
        ..Default::default()
    };

    // Before any update the index is missing, as Helm says.
    let o = ChartPathOptions::default();
    let err = locate_chart("private/app", &o, &settings).await.unwrap_err().to_string();
    assert!(err.starts_with("no cached repo found. (try 'helm repo update')"), "{err}");

    let updates = update_repositories(&settings.repositories, &settings).await;
    assert_eq!(updates.len(), 2);
    assert!(matches!(updates[0].result, Ok(true)), "{:?}", updates[0].result);
    let err = updates[1].result.as_ref().unwrap_err().to_string();
    assert!(err.contains("http://127.0.0.1:1/charts/index.yaml"), "{err}");
    // Unchanged index: not downloaded again.
    let again = update_repositories(&settings.repositories[..1], &settings).await;
    assert!(matches!(again[0].result, Ok(false)), "{:?}", again[0].result);

    let located = locate_chart("private/app", &o, &settings).await.unwrap();
    assert_eq!(located.version, "1.2.0");
    assert_eq!(located.chart.metadata.name, "app");
    assert_eq!(located.digest, chart("app", "1.2.0").2);
    assert_eq!(
        located.origin,
        ChartOrigin::Repository {
            name: "private".into(),
            url: nginx.https("private"),
            chart_url: nginx.https("private/app-1.2.0.tgz"),
        }
    );
    assert!(located.archive_path.as_ref().unwrap().starts_with(&cache.0));
    let devel = ChartPathOptions { devel: true, ..Default::default() };
    assert_eq!(locate_chart("private/app", &devel, &settings).await.unwrap().version, "2.0.0-beta.1");
    let tilde = ChartPathOptions { version: "~1.1".into(), ..Default::default() };
    assert_eq!(locate_chart("private/app", &tilde, &settings).await.unwrap().version, "1.1.0");

    // A download whose sha256 is not the index's digest is refused.
    let err = locate_chart("private/broken", &o, &settings).await.unwrap_err().to_string();
    assert!(err.contains("digest mismatch"), "{err}");

    // --repo URL with credentials, and a chart URL (credentials from the repository that lists it).
    let with_repo = ChartPathOptions {
        repo_url: nginx.https("private"),
        username: "helm".into(),
        password: "s3cret".into(),
        ca_file: nginx.certs.ca.display().to_string(),
        version: "1.1.0".into(),
        ..Default::default()
    };
    let archive = fetch_chart("app", &with_repo, &settings).await.unwrap();
    assert_eq!((archive.file_name.as_str(), archive.version.as_str()), ("app-1.1.0.tgz", "1.1.0"));
    let url = nginx.https("private/app-1.1.0.tgz");
    let archive = fetch_chart(&url, &o, &settings).await.unwrap();
    assert_eq!(archive.data, chart("app", "1.1.0").1);
    assert_eq!(archive.origin, ChartOrigin::Url { url });

    let found = chart_source::search_repositories(
        &settings,
        &SearchOptions { terms: vec!["app".into()], versions: true, ..Default::default() },
    )
    .unwrap();
    let versions: Vec<&str> = found.results.iter().map(|r| r.chart.metadata.version.as_str()).collect();
    assert_eq!(versions, ["1.2.0", "1.1.0"]);
    assert_eq!(found.warnings[0], "Repo \"down\" is corrupt or missing. Try 'helm repo update'.");
}

#[tokio::test]
async fn registry_charts_with_htpasswd_and_tls() {
    let test = "registry_charts_with_htpasswd_and_tls";
    let Some(_) = require_binary("openssl", test) else { return };
    let Some(_) = require_binary("perl", test) else { return };
    let Some(binary) = require_binary("docker-registry", test) else { return };
    let registry = Registry::start_with(&binary, true, true);
    let ca = registry.certs.as_ref().unwrap().ca.display().to_string();
    let options = RegistryOptions {
        username: "helm".into(),
        password: "s3cret".into(),
        ca_file: ca.clone(),
        ..Default::default()
    };
    let client = RegistryClient::new(options.clone()).unwrap();
    let base = chart_source::OciReference::parse(&format!("oci://{}/charts", registry.host())).unwrap();
    for v in ["0.1.0", "0.2.0", "0.3.0-rc.1"] {
        let (c, data, _) = chart("oci-app", v);
        client.push(&base, &data, &c.metadata, None).await.unwrap();
    }
    let cache = TempDir::new("chart-source-oci");
    let settings = RepositorySettings { cache_dir: cache.0.clone(), registry: options, ..Default::default() };
    let reference = format!("oci://{}/charts/oci-app", registry.host());
    let o = ChartPathOptions::default();
    let located = locate_chart(&reference, &o, &settings).await.unwrap();
    assert_eq!(located.version, "0.2.0");
    assert_eq!(located.digest, chart("oci-app", "0.2.0").2);
    let ChartOrigin::Oci { reference: pulled, manifest_digest } = &located.origin else {
        panic!("{:?}", located.origin)
    };
    assert_eq!(pulled, &format!("{reference}:0.2.0"));
    assert!(manifest_digest.starts_with("sha256:"));
    let devel = ChartPathOptions { devel: true, ..Default::default() };
    assert_eq!(locate_chart(&reference, &devel, &settings).await.unwrap().version, "0.3.0-rc.1");
    let archive =
        fetch_chart(&reference, &ChartPathOptions { version: "0.1.0".into(), ..Default::default() }, &settings)
            .await
            .unwrap();
    assert_eq!(archive.file_name, "oci-app-0.1.0.tgz");
    // Without credentials the registry refuses.
    let anonymous =
        RepositorySettings { registry: RegistryOptions { ca_file: ca, ..Default::default() }, ..settings.clone() };
    assert!(locate_chart(&reference, &o, &anonymous).await.is_err());
}
