//! OCI registries against Debian's docker-registry on loopback: push and
//! pull in Helm's layout, tags and constraints (`+` as `_`), digests,
//! htpasswd (basic) auth, and interop with the real helm when
//! `HELM_API_TEST_HELM` is set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/services.rs"]
mod services;

use std::path::Path;
use std::process::Command;

use chart_model::Metadata;
use repo_index::oci::{OciReference, RegistryClient, RegistryOptions};
use services::{Registry, TempDir, require_binary};

fn package(dir: &Path, name: &str, version: &str) -> (Vec<u8>, Metadata) {
    let chart = dir.join(format!("{name}-{version}"));
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: {version}\ndescription: A test chart\nappVersion: \"1.0\"\n"),
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), "replicas: 1\n").unwrap();
    std::fs::write(chart.join("templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n").unwrap();
    let p = chart_model::package::package_dir(&chart).unwrap();
    let md = Metadata {
        api_version: "v2".into(),
        name: name.into(),
        version: version.into(),
        description: "A test chart".into(),
        app_version: "1.0".into(),
        ..Default::default()
    };
    (p.data, md)
}

fn registry(test: &str, htpasswd: bool) -> Option<Registry> {
    if htpasswd {
        require_binary("perl", test)?;
    }
    Some(Registry::start(&require_binary("docker-registry", test)?, htpasswd))
}

fn plain() -> RegistryOptions {
    RegistryOptions { plain_http: true, ..Default::default() }
}

#[tokio::test]
async fn push_pull_tags_and_constraints() {
    let Some(reg) = registry("push_pull_tags_and_constraints", false) else { return };
    let work = TempDir::new("oci");
    let client = RegistryClient::new(plain()).unwrap();
    let base = OciReference::parse(&format!("oci://{}/charts", reg.host())).unwrap();
    let mut pushed = Vec::new();
    for v in ["1.0.0", "1.2.0", "2.0.0-rc.1", "1.3.0+build.7"] {
        let (tgz, md) = package(&work.0, "demo", v);
        let (target, digest) = client.push(&base, &tgz, &md, None).await.unwrap();
        assert_eq!(target.tag.as_deref(), Some(v.replace('+', "_").as_str()));
        pushed.push((v, tgz, digest));
    }
    let repo = OciReference::parse(&format!("oci://{}/charts/demo", reg.host())).unwrap();
    assert_eq!(client.tags(&repo).await.unwrap(), ["2.0.0-rc.1", "1.3.0+build.7", "1.2.0", "1.0.0"]);
    // Latest stable, constraints, prereleases only when asked for.
    assert_eq!(client.resolve_version(&repo, "").await.unwrap(), "1.3.0+build.7");
    assert_eq!(client.resolve_version(&repo, "~1.2").await.unwrap(), "1.2.0");
    assert_eq!(client.resolve_version(&repo, ">=2.0.0-0").await.unwrap(), "2.0.0-rc.1");
    assert!(client.resolve_version(&repo, "^3").await.is_err());
    let pulled = client.pull(&repo, "^1.0.0").await.unwrap();
    assert_eq!(pulled.version, "1.3.0+build.7");
    assert_eq!(pulled.chart, pushed[3].1);
    assert_eq!(pulled.config["name"], "demo");
    assert_eq!(pulled.manifest_digest, pushed[3].2);
    // By tag and by digest.
    let by_tag = OciReference::parse(&format!("oci://{}/charts/demo:1.0.0", reg.host())).unwrap();
    assert_eq!(client.pull(&by_tag, "").await.unwrap().chart, pushed[0].1);
    assert!(client.pull(&by_tag, "1.2.0").await.is_err(), "tag and version must agree");
    let by_digest = OciReference::parse(&format!("oci://{}/charts/demo@{}", reg.host(), pushed[1].2)).unwrap();
    assert_eq!(client.pull(&by_digest, "").await.unwrap().chart, pushed[1].1);
    // Unknown chart: Helm's error naming the reference.
    let missing = OciReference::parse(&format!("oci://{}/charts/missing:1.0.0", reg.host())).unwrap();
    let err = client.pull(&missing, "").await.unwrap_err().to_string();
    assert_eq!(
        err,
        format!("failed to perform \"FetchReference\" on source: {}/charts/missing:1.0.0: not found", reg.host())
    );
    // Unknown repository when listing tags: the registry's answer in Helm's (oras-go's) words.
    let err = client.pull(&OciReference { tag: None, ..missing }, "").await.unwrap_err().to_string();
    assert!(
        err.starts_with("GET \"")
            && err.contains("/v2/charts/missing/tags/list\": response status code 404: name unknown"),
        "{err}"
    );
}

#[tokio::test]
async fn htpasswd_registry_needs_credentials() {
    let Some(reg) = registry("htpasswd_registry_needs_credentials", true) else { return };
    let work = TempDir::new("oci");
    let base = OciReference::parse(&format!("oci://{}/team", reg.host())).unwrap();
    let (tgz, md) = package(&work.0, "secure", "0.1.0");
    let anon = RegistryClient::new(plain()).unwrap();
    assert!(anon.push(&base, &tgz, &md, None).await.is_err());
    let wrong =
        RegistryClient::new(RegistryOptions { username: "helm".into(), password: "bad".into(), ..plain() }).unwrap();
    assert!(wrong.push(&base, &tgz, &md, None).await.is_err());
    let client =
        RegistryClient::new(RegistryOptions { username: "helm".into(), password: "s3cret".into(), ..plain() }).unwrap();
    client.push(&base, &tgz, &md, Some(b"provenance")).await.unwrap();
    let repo = OciReference::parse(&format!("oci://{}/team/secure", reg.host())).unwrap();
    let pulled = client.pull(&repo, "").await.unwrap();
    assert_eq!(pulled.chart, tgz);
    assert_eq!(pulled.provenance.as_deref(), Some(&b"provenance"[..]));
    assert!(anon.pull(&repo, "").await.is_err());
}

#[tokio::test]
async fn interop_with_helm() {
    let Some(helm) = services::helm() else {
        assert!(
            std::env::var("HELM_API_TEST_REQUIRE").as_deref() != Ok("1"),
            "interop_with_helm: HELM_API_TEST_HELM is required (HELM_API_TEST_REQUIRE=1)"
        );
        eprintln!("interop_with_helm: skipped, HELM_API_TEST_HELM not set");
        return;
    };
    let Some(reg) = registry("interop_with_helm", false) else { return };
    let work = TempDir::new("oci");
    let helm_home = work.0.join("helm");
    let run = |args: &[&str]| {
        let out = Command::new(&helm)
            .args(args)
            .env("HELM_CONFIG_HOME", helm_home.join("config"))
            .env("HELM_CACHE_HOME", helm_home.join("cache"))
            .env("HELM_DATA_HOME", helm_home.join("data"))
            .output()
            .unwrap();
        assert!(out.status.success(), "helm {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    // helm pushes, we pull.
    let (tgz, _) = package(&work.0, "fromhelm", "1.2.3");
    let file = work.0.join("fromhelm-1.2.3.tgz");
    std::fs::write(&file, &tgz).unwrap();
    run(&["push", &file.display().to_string(), &format!("oci://{}/interop", reg.host()), "--plain-http"]);
    let client = RegistryClient::new(plain()).unwrap();
    let repo = OciReference::parse(&format!("oci://{}/interop/fromhelm", reg.host())).unwrap();
    let pulled = client.pull(&repo, "~1.2").await.unwrap();
    assert_eq!(pulled.chart, tgz);
    assert_eq!(pulled.config["name"], "fromhelm");
    // We push, helm pulls.
    let (tgz, md) = package(&work.0, "fromus", "0.4.0+meta");
    client
        .push(&OciReference::parse(&format!("oci://{}/interop", reg.host())).unwrap(), &tgz, &md, None)
        .await
        .unwrap();
    let dest = work.0.join("pulled");
    std::fs::create_dir_all(&dest).unwrap();
    run(&[
        "pull",
        &format!("oci://{}/interop/fromus", reg.host()),
        "--version",
        "0.4.0+meta",
        "--plain-http",
        "-d",
        &dest.display().to_string(),
    ]);
    assert_eq!(std::fs::read(dest.join("fromus-0.4.0+meta.tgz")).unwrap(), tgz);
}

/// The bearer-token flow against a minimal registry written here: a 401
/// challenge naming a token realm, the token fetched with basic credentials,
/// the request retried with it.
#[tokio::test]
async fn bearer_token_flow() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut chunk).await.unwrap();
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let request = String::from_utf8_lossy(&buf).to_string();
            let line = request.lines().next().unwrap_or_default().to_string();
            let auth = request
                .lines()
                .find_map(|l| l.strip_prefix("authorization: ").or_else(|| l.strip_prefix("Authorization: ")))
                .unwrap_or_default()
                .to_string();
            log.lock().unwrap().push(format!("{line} [{auth}]"));
            let (status, headers, body) = if line.starts_with("GET /token?") {
                if auth == "Basic aGVsbTpzM2NyZXQ=" {
                    ("200 OK", String::new(), r#"{"token":"T0K"}"#.to_string())
                } else {
                    ("401 Unauthorized", String::new(), "{}".to_string())
                }
            } else if auth == "Bearer T0K" {
                ("200 OK", String::new(), r#"{"name":"charts/demo","tags":["1.0.0","0.9.0_x","latest"]}"#.to_string())
            } else {
                (
                    "401 Unauthorized",
                    format!(
                        "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"fake\",scope=\"repository:charts/demo:pull\"\r\n"
                    ),
                    "{}".to_string(),
                )
            };
            let response = format!(
                "HTTP/1.1 {status}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    let repo = OciReference::parse(&format!("oci://127.0.0.1:{port}/charts/demo")).unwrap();
    let anon = RegistryClient::new(plain()).unwrap();
    assert!(anon.tags(&repo).await.is_err(), "no token without credentials");
    let client =
        RegistryClient::new(RegistryOptions { username: "helm".into(), password: "s3cret".into(), ..plain() }).unwrap();
    assert_eq!(client.tags(&repo).await.unwrap(), ["1.0.0", "0.9.0+x"]);
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().any(|l| l.starts_with("GET /token?service=fake&scope=repository%3Acharts%2Fdemo%3Apull ")),
        "{seen:?}"
    );
    // The token is reused: one more request needs no new challenge.
    assert_eq!(client.resolve_version(&repo, "<1").await.unwrap(), "0.9.0+x");
}

#[test]
fn oci_references() {
    let r = OciReference::parse("oci://registry.example.com:5000/a/b/chart:1.2.3_meta").unwrap();
    assert_eq!(
        (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
        ("registry.example.com:5000", "a/b/chart", Some("1.2.3_meta"))
    );
    assert_eq!(r.chart_name(), "chart");
    assert_eq!(r.to_string(), "oci://registry.example.com:5000/a/b/chart:1.2.3_meta");
    let d = OciReference::parse(&format!("oci://h/c@sha256:{}", "a".repeat(64))).unwrap();
    assert!(d.tag.is_none() && d.digest.is_some());
    for bad in [
        "https://h/c",
        "oci://h",
        "oci:///c",
        "oci://h/C",
        "oci://h/c:",
        "oci://h/../c",
        "oci://h/c@sha256:zz",
        "oci://h/c:a+b",
    ] {
        assert!(OciReference::parse(bad).is_err(), "{bad}");
    }
}

/// A registry with TLS and htpasswd auth: the CA file is needed (or
/// insecure mode), and the credentials.
#[tokio::test]
async fn tls_registry_with_htpasswd() {
    let test = "tls_registry_with_htpasswd";
    let (Some(_), Some(_), Some(bin)) =
        (require_binary("perl", test), require_binary("openssl", test), require_binary("docker-registry", test))
    else {
        return;
    };
    let reg = Registry::start_with(&bin, true, true);
    let ca = reg.certs.as_ref().unwrap().ca.display().to_string();
    let work = TempDir::new("oci");
    let (tgz, md) = package(&work.0, "tlschart", "1.0.0");
    let base = OciReference::parse(&format!("oci://{}/secure", reg.host())).unwrap();
    let creds = RegistryOptions { username: "helm".into(), password: "s3cret".into(), ..Default::default() };
    // The registry's certificate is not trusted without its CA.
    let untrusted = RegistryClient::new(creds.clone()).unwrap();
    assert!(untrusted.push(&base, &tgz, &md, None).await.is_err());
    let client = RegistryClient::new(RegistryOptions { ca_file: ca.clone(), ..creds.clone() }).unwrap();
    client.push(&base, &tgz, &md, None).await.unwrap();
    let repo = OciReference::parse(&format!("oci://{}/secure/tlschart", reg.host())).unwrap();
    assert_eq!(client.pull(&repo, "1.0.0").await.unwrap().chart, tgz);
    let insecure = RegistryClient::new(RegistryOptions { insecure_skip_tls_verify: true, ..creds }).unwrap();
    assert_eq!(insecure.pull(&repo, "").await.unwrap().chart, tgz);
    let anonymous = RegistryClient::new(RegistryOptions { ca_file: ca, ..Default::default() }).unwrap();
    assert!(anonymous.pull(&repo, "").await.is_err());
}
