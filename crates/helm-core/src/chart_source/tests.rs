//! Unit tests of chart_source: local charts and the errors that need no server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

struct Temp(PathBuf);

impl Temp {
    fn new(tag: &str) -> Temp {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "chart-source-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Temp(dir)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn settings(cache: &Path, repos: &[(&str, &str)]) -> RepositorySettings {
    RepositorySettings {
        cache_dir: cache.to_path_buf(),
        repositories: repos
            .iter()
            .map(|(n, u)| RepositoryEntry { name: (*n).into(), url: (*u).into(), ..Default::default() })
            .collect(),
        ..Default::default()
    }
}

fn error_of(r: Result<LocatedChart>) -> String {
    r.err().map(|e| e.to_string()).unwrap_or_else(|| "no error".into())
}

#[tokio::test]
async fn local_folder_and_archive() {
    let t = Temp::new("local");
    let dir = t.0.join("demo");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 1.2.3\n").unwrap();
    let s = settings(&t.0.join("cache"), &[]);
    let located = locate_chart(dir.to_str().unwrap(), &ChartPathOptions::default(), &s).await.unwrap();
    assert_eq!(located.chart.metadata.name, "demo");
    assert_eq!(located.version, "1.2.3");
    assert_eq!(located.origin, ChartOrigin::Local { path: dir.clone() });
    assert!(located.archive_path.is_none() && located.digest.is_empty());

    let chart = located.chart;
    let tgz = chart_model::package::package(&chart).unwrap().data;
    let archive = t.0.join("demo-1.2.3.tgz");
    std::fs::write(&archive, &tgz).unwrap();
    let located = locate_chart(archive.to_str().unwrap(), &ChartPathOptions::default(), &s).await.unwrap();
    assert_eq!(located.chart.metadata.version, "1.2.3");
    assert_eq!(located.archive_path.as_deref(), Some(archive.as_path()));
    assert_eq!(located.digest, sha256_hex(&tgz));
}

#[tokio::test]
async fn helm_errors_without_a_server() {
    let t = Temp::new("errors");
    let s = settings(&t.0, &[("known", "http://127.0.0.1:1/charts"), ("nourl", "")]);
    let o = ChartPathOptions::default();
    assert_eq!(error_of(locate_chart("./missing", &o, &s).await), r#"path "./missing" not found"#);
    assert_eq!(error_of(locate_chart("/no/such/chart", &o, &s).await), r#"path "/no/such/chart" not found"#);
    assert_eq!(
        error_of(locate_chart("justaname", &o, &s).await),
        "non-absolute URLs should be in form of repo_name/path_to_chart, got: justaname"
    );
    assert_eq!(error_of(locate_chart("other/chart", &o, &s).await), "repo other not found");
    assert_eq!(error_of(locate_chart("nourl/chart", &o, &s).await), "no URL found for repository nourl");
    let err = error_of(locate_chart("known/chart", &o, &s).await);
    assert!(err.starts_with("no cached repo found. (try 'helm repo update'): "), "{err}");
    let err = error_of(locate_chart("oci://127.0.0.1:1/Bad/Chart", &o, &s).await);
    assert!(err.contains("invalid repository path"), "{err}");
}

#[tokio::test]
async fn cached_index_selects_versions() {
    let t = Temp::new("cached");
    let s = settings(&t.0, &[("stable", "http://127.0.0.1:1/charts")]);
    let index = "apiVersion: v1\nentries:\n  demo:\n  - name: demo\n    version: 2.0.0-rc.1\n    urls: [demo-2.0.0-rc.1.tgz]\n  - name: demo\n    version: 1.1.0\n    urls: [demo-1.1.0.tgz]\n  - name: demo\n    version: 1.0.0\n    urls: []\n";
    std::fs::write(t.0.join("stable-index.yaml"), index).unwrap();
    let mut o = ChartPathOptions { version: "^3".into(), ..Default::default() };
    let err = error_of(locate_chart("stable/demo", &o, &s).await);
    assert_eq!(
        err,
        "chart \"demo\" matching ^3 not found in stable index. (try 'helm repo update'): no chart version found for demo-^3"
    );
    o.version = "1.0.0".into();
    assert_eq!(error_of(locate_chart("stable/demo", &o, &s).await), "chart \"stable/demo\" has no downloadable URLs");
    // The latest stable version is 1.1.0, with --devel the release candidate: both fail to download here.
    o.version.clear();
    let err = error_of(locate_chart("stable/demo", &o, &s).await);
    assert!(err.contains("http://127.0.0.1:1/charts/demo-1.1.0.tgz"), "{err}");
    o.devel = true;
    let err = error_of(locate_chart("stable/demo", &o, &s).await);
    assert!(err.contains("http://127.0.0.1:1/charts/demo-2.0.0-rc.1.tgz"), "{err}");

    let found = search_repositories(&s, &SearchOptions { terms: vec!["dem".into()], ..Default::default() }).unwrap();
    assert_eq!(found.results.len(), 1);
    assert_eq!(found.results[0].chart.metadata.version, "1.1.0");
    let s2 = settings(&t.0, &[("stable", "http://127.0.0.1:1/charts"), ("gone", "http://127.0.0.1:1/gone")]);
    let found = search_repositories(&s2, &SearchOptions::default()).unwrap();
    assert_eq!(found.warnings[0], "Repo \"gone\" is corrupt or missing. Try 'helm repo update'.");
    assert_eq!(found.warnings[1], format!("open {}: no such file or directory", t.0.join("gone-index.yaml").display()));
}

#[tokio::test]
async fn update_names_the_unreachable_url() {
    let t = Temp::new("update");
    let s = settings(&t.0, &[]);
    let entries =
        vec![RepositoryEntry { name: "down".into(), url: "http://127.0.0.1:1/x".into(), ..Default::default() }];
    let out = update_repositories(&entries, &s).await;
    assert_eq!(out.len(), 1);
    let err = out[0].result.as_ref().unwrap_err().to_string();
    assert!(err.contains("http://127.0.0.1:1/x"), "{err}");
}
