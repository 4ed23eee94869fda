//! A bounded load test on loopback: starts the `helm-api-server` binary (dev mode, its own data
//! folder and free ports), installs `LOAD_RELEASES` releases (default 1,000) of a one-ConfigMap
//! chart through it into a namespace of its own on the cluster of `KUBECONFIG`, then calls
//! GetRelease and ListRelease over gRPC from `LOAD_CONCURRENCY` clients (default 8) for
//! `LOAD_SECONDS` each (default 10), printing throughput, p50/p99 latency and the server's
//! resident memory. The namespace is deleted and the server stopped at the end.
//!
//! `cargo build --release --bin helm-api-server && eval "$(cargo xtask cluster env)" &&
//! cargo run --release -p api-server --example load` (`HELM_API_SERVER_BIN` picks another binary).

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use api_server::proto;
use api_server::proto::helm_api_service_client::HelmApiServiceClient;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, PostParams};
use tonic::metadata::MetadataValue;
use tonic::transport::Channel;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The one-ConfigMap chart, packaged.
fn chart() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("load");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("Chart.yaml"), "apiVersion: v2\nname: load\nversion: 1.0.0\n").unwrap();
    std::fs::write(root.join("values.yaml"), "message: hello\n").unwrap();
    std::fs::write(
        root.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  m: {{ .Values.message | quote }}\n",
    )
    .unwrap();
    chart_model::package::package_dir(&root).unwrap().data
}

fn memory(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_owned())
            .unwrap_or_else(|| "?".to_owned())
    };
    format!("VmRSS {} (peak VmHWM {})", field("VmRSS:"), field("VmHWM:"))
}

struct Server {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn authed<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert("authorization", MetadataValue::try_from(format!("Bearer {token}")).unwrap());
    request
}

/// Runs `call` from `clients` tasks for `seconds`; prints count, throughput, p50 and p99.
async fn measure<F, Fut>(label: &str, clients: usize, seconds: u64, call: F)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let call = Arc::new(call);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for client in 0..clients {
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = client;
            while Instant::now() < deadline {
                let t = Instant::now();
                call(i).await;
                latencies.push(t.elapsed());
                i += clients;
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "{label}: {} calls in {elapsed:.1} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms ({clients} clients)",
        all.len(),
        all.len() as f64 / elapsed,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
}

#[tokio::main]
async fn main() {
    let releases = env_number("LOAD_RELEASES", 1000);
    let clients = env_number("LOAD_CONCURRENCY", 8);
    let seconds = env_number("LOAD_SECONDS", 10) as u64;
    let kubeconfig_path = std::env::var("KUBECONFIG").expect("KUBECONFIG: eval \"$(cargo xtask cluster env)\"");
    let kubeconfig = std::fs::read_to_string(&kubeconfig_path).unwrap();
    let bin = std::env::var("HELM_API_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release/helm-api-server"));

    // The server, as a user starts it (dev mode on loopback), with its own folder and ports.
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = std::process::Command::new(&bin)
        .env("HELM_API_TMP", dir.path())
        .env("HELM_API_PORT", port.to_string())
        .env("HELM_API_HTTP_PORT", free_port().to_string())
        .env("HELM_API_LOGLEVEL", "warn")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
    let pid = child.id();
    let server = Server { child, _dir: dir };
    let token_file = server._dir.path().join("helm-api/dev-token");
    let channel = loop {
        if let (Ok(_), Ok(channel)) = (
            std::fs::metadata(&token_file),
            Channel::from_shared(format!("http://127.0.0.1:{port}")).unwrap().connect().await,
        ) {
            break channel;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let token: Arc<str> = std::fs::read_to_string(&token_file).unwrap().trim().into();
    let client = HelmApiServiceClient::new(channel).max_decoding_message_size(256 << 20);
    println!("server pid {pid} after start: {}", memory(pid));

    let namespace = format!("srv-load-{}", std::process::id());
    let kube = {
        let kc = kube::config::Kubeconfig::read_from(&kubeconfig_path).unwrap();
        let config = kube::Config::from_custom_kubeconfig(kc, &Default::default()).await.unwrap();
        kube::Client::try_from(config).unwrap()
    };
    let namespaces: Api<Namespace> = Api::all(kube);
    let ns = Namespace {
        metadata: kube::api::ObjectMeta { name: Some(namespace.clone()), ..Default::default() },
        ..Default::default()
    };
    namespaces.create(&PostParams::default(), &ns).await.unwrap();
    client
        .clone()
        .create_context(authed(
            &token,
            proto::HelmContextReq {
                name: "load".into(),
                kubeinfo: Some(proto::KubeInfo { kubeconfig, namespace: namespace.clone(), ..Default::default() }),
                ..Default::default()
            },
        ))
        .await
        .unwrap();

    // Seed: `releases` installs through the server, `clients` at a time.
    let archive = Arc::new(chart());
    let start = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, token, archive, next) = (client.clone(), token.clone(), archive.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut client = client;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= releases {
                    break;
                }
                let req = proto::InstallReq {
                    context_name: "load".into(),
                    release_name: format!("r{i:04}"),
                    chart_archive: archive.to_vec(),
                    ..Default::default()
                };
                client.install_release(authed(&token, req)).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let seeded = start.elapsed().as_secs_f64();
    println!(
        "installed {releases} releases in {seeded:.1} s ({:.0}/s, {clients} clients); server: {}",
        releases as f64 / seeded,
        memory(pid)
    );

    let (c, t) = (client.clone(), token.clone());
    measure("GetRelease", clients, seconds, move |i| {
        let (mut c, t) = (c.clone(), t.clone());
        async move {
            let req = proto::ReleaseReq {
                context_name: "load".into(),
                release_name: format!("r{:04}", (i * 7919) % releases),
                ..Default::default()
            };
            c.get_release(authed(&t, req)).await.unwrap();
        }
    })
    .await;
    println!("server after GetRelease: {}", memory(pid));
    let (c, t) = (client.clone(), token.clone());
    measure("ListRelease", clients, seconds, move |_| {
        let (mut c, t) = (c.clone(), t.clone());
        async move {
            let req = proto::ListReleaseReq { context_name: "load".into(), limit: 0, ..Default::default() };
            let list = c.list_release(authed(&t, req)).await.unwrap().into_inner();
            assert_eq!(list.releases.len(), releases);
        }
    })
    .await;
    println!("server after ListRelease: {}", memory(pid));

    drop(server);
    let _ = namespaces.delete(&namespace, &DeleteParams::default()).await;
}
