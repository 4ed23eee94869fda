//! HTTP chart repositories against a real nginx on loopback: index download
//! with ETag revalidation, basic auth and Helm's credential rule, TLS with a
//! custom CA, client certificates and insecure mode, chart download with
//! digest checks and the digest cache, limits, and unreachable servers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/services.rs"]
mod services;

use std::path::Path;

use repo_index::index::sha256_hex;
use repo_index::{ChartRepository, DownloadLimits, Error, RepositoryEntry, RepositoryFile};
use services::{Nginx, TempDir, require_binary};

const CHART: &[u8] = b"not really a chart archive, but bytes with a digest";

fn write_index(dir: &Path, absolute_base: &str, digest: &str) {
    let index = format!(
        "apiVersion: v1\nentries:\n  demo:\n  - apiVersion: v2\n    name: demo\n    version: 1.0.0\n    digest: {digest}\n    urls:\n    - charts/demo-1.0.0.tgz\n  - apiVersion: v2\n    name: demo\n    version: 0.9.0\n    digest: {digest}\n    urls:\n    - {absolute_base}charts/demo-1.0.0.tgz\n  bad:\n  - apiVersion: v2\n    name: bad\n    version: 1.0.0\n    digest: {wrong}\n    urls:\n    - charts/demo-1.0.0.tgz\ngenerated: \"2024-01-01T00:00:00Z\"\n",
        wrong = "ab".repeat(32)
    );
    std::fs::create_dir_all(dir.join("charts")).unwrap();
    std::fs::write(dir.join("index.yaml"), index).unwrap();
    std::fs::write(dir.join("charts/demo-1.0.0.tgz"), CHART).unwrap();
}

fn entry(name: &str, url: String) -> RepositoryEntry {
    RepositoryEntry { name: name.into(), url, ..Default::default() }
}

fn nginx(test: &str) -> Option<Nginx> {
    require_binary("openssl", test)?;
    Some(Nginx::start(&require_binary("nginx", test)?))
}

#[tokio::test]
async fn index_download_revalidates_with_etag() {
    let Some(server) = nginx("index_download_revalidates_with_etag") else { return };
    write_index(&server.www, "", &sha256_hex(CHART));
    let cache = TempDir::new("cache");
    let repo = ChartRepository::new(entry("public", server.http("")), &cache.0, DownloadLimits::default()).unwrap();
    let first = repo.update_index().await.unwrap();
    assert!(first.downloaded);
    assert_eq!(first.index.index.entries["demo"].len(), 2);
    assert!(cache.0.join("public-index.yaml").is_file());
    assert_eq!(std::fs::read_to_string(cache.0.join("public-charts.txt")).unwrap(), "bad\ndemo\n");
    let second = repo.update_index().await.unwrap();
    assert!(!second.downloaded, "an unchanged index is not downloaded again");
    assert_eq!(second.index, first.index);
    // A changed index is downloaded again (nginx's ETag has the mtime and size).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write_index(&server.www, "https://example.invalid/", &sha256_hex(CHART));
    let third = repo.update_index().await.unwrap();
    assert!(third.downloaded);
    assert_eq!(third.index.index.entries["demo"][1].urls[0], "https://example.invalid/charts/demo-1.0.0.tgz");
}

#[tokio::test]
async fn basic_auth_and_credentials_rule() {
    let Some(server) = nginx("basic_auth_and_credentials_rule") else { return };
    let other_host = format!("http://localhost:{}/private/", server.http_port);
    write_index(&server.www.join("private"), &other_host, &sha256_hex(CHART));
    let cache = TempDir::new("cache");
    let limits = DownloadLimits::default();
    // No credentials: 401, and the error names the repository.
    let anon = ChartRepository::new(entry("priv", server.http("private/")), &cache.0, limits).unwrap();
    let err = anon.update_index().await.unwrap_err().to_string();
    assert!(err.contains(&server.http("private/")) && err.contains("401"), "{err}");
    let mut e = entry("priv", server.http("private"));
    e.username = "helm".into();
    e.password = "s3cret".into();
    let repo = ChartRepository::new(e.clone(), &cache.0, limits).unwrap();
    let index = repo.update_index().await.unwrap().index.index;
    // The relative URL resolves under the repository and gets the credentials.
    let latest = index.get("demo", "").unwrap();
    assert_eq!(repo.chart_url(latest).unwrap().as_str(), server.http("private/charts/demo-1.0.0.tgz"));
    let charts = TempDir::new("charts");
    let path = repo.download_chart(latest, &charts.0).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), CHART);
    // Another host (localhost, not 127.0.0.1) gets no credentials...
    let old = index.get("demo", "0.9.0").unwrap();
    let fresh = TempDir::new("charts");
    let err = repo.download_chart(old, &fresh.0).await.unwrap_err().to_string();
    assert!(err.contains("401"), "{err}");
    // ...unless pass_credentials_all is set.
    e.pass_credentials_all = true;
    let all = ChartRepository::new(e, &cache.0, limits).unwrap();
    assert_eq!(std::fs::read(all.download_chart(old, &fresh.0).await.unwrap()).unwrap(), CHART);
    // Wrong password.
    let mut wrong = entry("priv", server.http("private"));
    wrong.username = "helm".into();
    wrong.password = "nope".into();
    let err = ChartRepository::new(wrong, &cache.0, limits).unwrap().update_index().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRepository { .. }), "{err}");
}

#[tokio::test]
async fn chart_download_digest_and_cache() {
    let Some(server) = nginx("chart_download_digest_and_cache") else { return };
    write_index(&server.www, "", &sha256_hex(CHART));
    let cache = TempDir::new("cache");
    let repo = ChartRepository::new(entry("r", server.http("")), &cache.0, DownloadLimits::default()).unwrap();
    let index = repo.update_index().await.unwrap().index.index;
    let charts = TempDir::new("charts");
    let cv = index.get("demo", "^1").unwrap();
    let path = repo.download_chart(cv, &charts.0).await.unwrap();
    assert_eq!(path, charts.0.join("sha256").join(format!("{}.tgz", sha256_hex(CHART))));
    // Cached by digest: served from disk once the server no longer has it.
    std::fs::remove_file(server.www.join("charts/demo-1.0.0.tgz")).unwrap();
    assert_eq!(repo.download_chart(cv, &charts.0).await.unwrap(), path);
    std::fs::write(server.www.join("charts/demo-1.0.0.tgz"), CHART).unwrap();
    // A digest that does not match is refused.
    let bad = index.get("bad", "").unwrap();
    let err = repo.download_chart(bad, &charts.0).await.unwrap_err();
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
    // Size limits apply to indexes and charts.
    let tiny = DownloadLimits { max_index_bytes: 100, max_chart_bytes: 10, ..Default::default() };
    let small_cache = TempDir::new("cache");
    let small = ChartRepository::new(entry("r", server.http("")), &small_cache.0, tiny).unwrap();
    let err = small.update_index().await.unwrap_err().to_string();
    assert!(err.contains("larger than the limit"), "{err}");
    let err = small.download_chart(cv, &TempDir::new("charts").0).await.unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
}

#[tokio::test]
async fn tls_ca_client_certificate_and_insecure() {
    let Some(server) = nginx("tls_ca_client_certificate_and_insecure") else { return };
    write_index(&server.www, "", &sha256_hex(CHART));
    write_index(&server.www.join("mtls"), "", &sha256_hex(CHART));
    let cache = TempDir::new("cache");
    let limits = DownloadLimits::default();
    // Unknown CA: refused.
    let plain = ChartRepository::new(entry("tls", server.https("")), &cache.0, limits).unwrap();
    assert!(plain.update_index().await.is_err());
    // With the CA file.
    let mut with_ca = entry("tls", server.https(""));
    with_ca.ca_file = server.certs.ca.display().to_string();
    assert!(ChartRepository::new(with_ca.clone(), &cache.0, limits).unwrap().update_index().await.is_ok());
    // Insecure mode.
    let mut insecure = entry("tls", server.https(""));
    insecure.insecure_skip_tls_verify = true;
    assert!(ChartRepository::new(insecure, &cache.0, limits).unwrap().update_index().await.is_ok());
    // A client certificate is required under /mtls/.
    let mut mtls = with_ca.clone();
    mtls.url = server.https("mtls/");
    let err = ChartRepository::new(mtls.clone(), &cache.0, limits).unwrap().update_index().await.unwrap_err();
    assert!(err.to_string().contains("403"), "{err}");
    mtls.cert_file = server.certs.client_cert.display().to_string();
    mtls.key_file = server.certs.client_key.display().to_string();
    assert!(ChartRepository::new(mtls, &cache.0, limits).unwrap().update_index().await.is_ok());
}

#[tokio::test]
async fn unreachable_repository_names_its_url() {
    let cache = TempDir::new("cache");
    let url = format!("http://127.0.0.1:{}/charts", services::free_port());
    let repo = ChartRepository::new(entry("gone", url.clone()), &cache.0, DownloadLimits::default()).unwrap();
    let err = repo.update_index().await.unwrap_err().to_string();
    assert!(err.contains(&url), "{err}");
    assert!(ChartRepository::new(entry("a/b", url.clone()), &cache.0, DownloadLimits::default()).is_err());
    assert!(ChartRepository::new(entry("x", "ftp://host/charts".into()), &cache.0, DownloadLimits::default()).is_err());
}

#[test]
fn repositories_file_round_trip() {
    let mut file = RepositoryFile::new();
    file.update(RepositoryEntry {
        name: "stable".into(),
        url: "https://charts.example.com".into(),
        ..Default::default()
    });
    file.update(RepositoryEntry {
        name: "b".into(),
        url: "https://b".into(),
        username: "u".into(),
        ..Default::default()
    });
    file.update(RepositoryEntry { name: "stable".into(), url: "https://other".into(), ..Default::default() });
    assert_eq!(file.repositories.len(), 2);
    assert_eq!(file.get("stable").unwrap().url, "https://other");
    let yaml = file.to_yaml().unwrap();
    assert!(yaml.contains("- caFile: \"\"\n  certFile: \"\"\n  insecure_skip_tls_verify: false\n"), "{yaml}");
    let back = RepositoryFile::parse(yaml.as_bytes()).unwrap();
    assert_eq!(back.repositories, file.repositories);
    assert!(file.remove("b"));
    assert!(!file.has("b"));
}

/// `helm repo add` and `helm search repo -o json` from the real helm over the
/// same nginx-served repository agree with our index download and search.
#[tokio::test]
async fn search_matches_real_helm() {
    let Some(helm) = services::helm() else {
        assert!(
            std::env::var("HELM_API_TEST_REQUIRE").as_deref() != Ok("1"),
            "search_matches_real_helm: HELM_API_TEST_HELM is required (HELM_API_TEST_REQUIRE=1)"
        );
        eprintln!("search_matches_real_helm: skipped, HELM_API_TEST_HELM not set");
        return;
    };
    let Some(server) = nginx("search_matches_real_helm") else { return };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/search-repo/stable.yaml");
    std::fs::copy(&fixture, server.www.join("index.yaml")).unwrap();
    let home = TempDir::new("helm");
    let helm_run = |args: &[&str]| -> String {
        let out = std::process::Command::new(&helm)
            .args(args)
            .env("HELM_CONFIG_HOME", home.0.join("config"))
            .env("HELM_CACHE_HOME", home.0.join("cache"))
            .env("HELM_DATA_HOME", home.0.join("data"))
            .output()
            .unwrap();
        assert!(out.status.success(), "helm {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    helm_run(&["repo", "add", "stable", &server.http("")]);
    let cache = TempDir::new("cache");
    let repo = ChartRepository::new(entry("stable", server.http("")), &cache.0, DownloadLimits::default()).unwrap();
    let index = repo.update_index().await.unwrap().index.index;
    let cases: &[(&[&str], bool, bool, bool)] = &[
        (&[], false, false, false),
        (&["nginx"], false, false, false),
        (&["database"], false, false, false),
        (&["database"], true, false, false),
        (&["nginx"], false, true, false),
        (&["maria|postgres"], false, false, true),
        (&["web", "server"], false, false, false),
    ];
    for (terms, versions, devel, regexp) in cases {
        let mut args = vec!["search", "repo"];
        args.extend(terms.iter());
        if *versions {
            args.push("--versions");
        }
        if *devel {
            args.push("--devel");
        }
        if *regexp {
            args.push("--regexp");
        }
        args.extend(["-o", "json"]);
        let theirs: serde_json::Value = serde_json::from_str(&helm_run(&args)).unwrap();
        let options = repo_index::SearchOptions {
            terms: terms.iter().map(|s| s.to_string()).collect(),
            regexp: *regexp,
            versions: *versions,
            devel: *devel,
            version: String::new(),
        };
        let ours: Vec<serde_json::Value> = repo_index::search_repositories(&[("stable", &index)], &options)
            .unwrap()
            .iter()
            .map(|r| {
                serde_json::json!({"name": r.name, "version": r.chart.metadata.version,
                    "app_version": r.chart.metadata.app_version, "description": r.chart.metadata.description})
            })
            .collect();
        assert_eq!(serde_json::Value::Array(ours), theirs, "helm {args:?}");
    }
}
