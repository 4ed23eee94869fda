//! Starting and stopping the control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
//! KWOK, each in its own process group, with pids, logs and data in the state folder.

use std::fs::File;
use std::io::Write;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::build::Bins;
use super::{Layout, certs, kwok};

/// The components, in start order; `down` stops them in reverse.
const COMPONENTS: &[&str] = &["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"];

/// The one fake node KWOK manages.
const NODE: &str = "kwok-node-0";

/// The service CIDR (10.96.0.1 is in the serving certificate).
const SERVICE_CIDR: &str = "10.96.0.0/12";

/// The address the API server advertises in the `kubernetes` Service's endpoints. Endpoints may not be loopback,
/// and without it kube-apiserver guesses from the default route (and fails on a host without one); nothing dials
/// it here, so a fixed documentation address (RFC 5737) keeps the start deterministic.
const ADVERTISE_ADDRESS: &str = "192.0.2.1";

const READY_TIMEOUT: Duration = Duration::from_secs(180);

/// `cluster up`: refuses to start twice, then starts every component and waits until the cluster serves.
pub fn up(layout: &Layout, bins: &Bins) -> Result<()> {
    let start = Instant::now();
    let state = &layout.state;
    if state.exists() {
        let running = running_components(state);
        if !running.is_empty() {
            let list: Vec<String> = running.iter().map(|(name, pid)| format!("{name} (pid {pid})")).collect();
            bail!(
                "the cluster in {} is already running: {}; `cargo xtask cluster down` stops it",
                state.display(),
                list.join(", ")
            );
        }
        eprintln!("cluster: removing the stale state in {}", state.display());
        std::fs::remove_dir_all(state).with_context(|| format!("removing {}", state.display()))?;
    }
    for (var, port) in layout.ports.named() {
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_err() {
            bail!("port {port} on 127.0.0.1 is in use; choose another with {var}=PORT");
        }
    }
    std::fs::create_dir_all(state).with_context(|| format!("creating {}", state.display()))?;
    let mut cluster = Cluster { state: state.clone(), started: Vec::new() };
    match cluster.start(layout, bins) {
        Ok(()) => {
            eprintln!(
                "cluster: Kubernetes {} up in {:.1?}: KUBECONFIG={}  (`eval \"$(cargo xtask cluster env)\"`)",
                bins.k8s_version,
                start.elapsed(),
                layout.kubeconfig().display()
            );
            Ok(())
        }
        Err(err) => {
            eprintln!("cluster: start failed; stopping what was started (logs stay in {})", state.display());
            stop_components(state);
            Err(err)
        }
    }
}

/// `cluster down`: stops every component's process group and removes the state folder.
pub fn down(layout: &Layout) -> Result<()> {
    let state = &layout.state;
    if !state.exists() {
        eprintln!("cluster: nothing to stop ({} does not exist)", state.display());
        return Ok(());
    }
    stop_components(state);
    std::fs::remove_dir_all(state).with_context(|| format!("removing {}", state.display()))?;
    eprintln!("cluster: stopped; removed {}", state.display());
    Ok(())
}

struct Cluster {
    state: PathBuf,
    started: Vec<(&'static str, Child)>,
}

impl Cluster {
    fn start(&mut self, layout: &Layout, bins: &Bins) -> Result<()> {
        let state = self.state.clone();
        let p = layout.ports;
        let pki = state.join("pki");
        certs::generate(&pki)?;
        let file = |name: &str| state.join(name).display().to_string();
        let pki_file = |name: &str| pki.join(name).display().to_string();
        let server = format!("https://127.0.0.1:{}", p.apiserver);
        write_kubeconfig(&layout.kubeconfig(), &server, &pki, "admin")?;
        for user in ["kube-controller-manager", "kube-scheduler"] {
            write_kubeconfig(&state.join(format!("{user}.kubeconfig")), &server, &pki, user)?;
        }

        let etcd_client = format!("http://127.0.0.1:{}", p.etcd);
        let etcd_peer = format!("http://127.0.0.1:{}", p.etcd_peer);
        self.spawn(
            "etcd",
            &bins.etcd,
            &[
                "--name=helm-api".into(),
                format!("--data-dir={}", file("etcd-data")),
                format!("--listen-client-urls={etcd_client}"),
                format!("--advertise-client-urls={etcd_client}"),
                format!("--listen-peer-urls={etcd_peer}"),
                format!("--initial-advertise-peer-urls={etcd_peer}"),
                format!("--initial-cluster=helm-api={etcd_peer}"),
                "--auto-compaction-retention=1".into(),
                "--quota-backend-bytes=8589934592".into(),
                "--unsafe-no-fsync=true".into(),
                "--log-level=warn".into(),
            ],
        )?;
        self.wait("etcd listening", Duration::from_secs(60), || {
            Ok(TcpStream::connect((Ipv4Addr::LOCALHOST, p.etcd)).is_ok())
        })?;

        self.spawn(
            "kube-apiserver",
            &bins.kube_apiserver,
            &[
                format!("--etcd-servers={etcd_client}"),
                "--bind-address=127.0.0.1".into(),
                format!("--advertise-address={ADVERTISE_ADDRESS}"),
                format!("--secure-port={}", p.apiserver),
                format!("--tls-cert-file={}", pki_file("apiserver.crt")),
                format!("--tls-private-key-file={}", pki_file("apiserver.key")),
                format!("--client-ca-file={}", pki_file("ca.crt")),
                "--authorization-mode=Node,RBAC".into(),
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local".into(),
                format!("--service-account-key-file={}", pki_file("sa.pub")),
                format!("--service-account-signing-key-file={}", pki_file("sa.key")),
                format!("--service-cluster-ip-range={SERVICE_CIDR}"),
                "--allow-privileged=true".into(),
                "--profiling=false".into(),
                format!("--cert-dir={}", file("apiserver-certs")),
                // The front proxy (aggregated API servers) and the requestheader CA its clients look up.
                format!("--requestheader-client-ca-file={}", pki_file("ca.crt")),
                "--requestheader-allowed-names=front-proxy-client".into(),
                "--requestheader-username-headers=X-Remote-User".into(),
                "--requestheader-group-headers=X-Remote-Group".into(),
                "--requestheader-extra-headers-prefix=X-Remote-Extra-".into(),
                format!("--proxy-client-cert-file={}", pki_file("front-proxy-client.crt")),
                format!("--proxy-client-key-file={}", pki_file("front-proxy-client.key")),
                // `pods/log` and friends: the fake node's kubelet is KWOK's server on 127.0.0.1 (its InternalIP),
                // serving the cluster's certificate; the node's Hostname address names no host.
                "--kubelet-preferred-address-types=InternalIP".into(),
                format!("--kubelet-certificate-authority={}", pki_file("ca.crt")),
            ],
        )?;
        let kubeconfig = layout.kubeconfig();
        self.wait("kube-apiserver /readyz ok", READY_TIMEOUT, || {
            Ok(kubectl(bins, &kubeconfig, &["get", "--raw=/readyz"]).is_ok_and(|out| out.trim() == "ok"))
        })?;

        let kcm_kubeconfig = file("kube-controller-manager.kubeconfig");
        self.spawn(
            "kube-controller-manager",
            &bins.kube_controller_manager,
            &[
                format!("--kubeconfig={kcm_kubeconfig}"),
                format!("--authentication-kubeconfig={kcm_kubeconfig}"),
                format!("--authorization-kubeconfig={kcm_kubeconfig}"),
                "--bind-address=127.0.0.1".into(),
                format!("--secure-port={}", p.controller_manager),
                format!("--tls-cert-file={}", pki_file("apiserver.crt")),
                format!("--tls-private-key-file={}", pki_file("apiserver.key")),
                format!("--root-ca-file={}", pki_file("ca.crt")),
                format!("--service-account-private-key-file={}", pki_file("sa.key")),
                format!("--cluster-signing-cert-file={}", pki_file("ca.crt")),
                format!("--cluster-signing-key-file={}", pki_file("ca.key")),
                format!("--service-cluster-ip-range={SERVICE_CIDR}"),
                "--use-service-account-credentials=true".into(),
                "--leader-elect=false".into(),
                "--cluster-name=helm-api".into(),
                "--profiling=false".into(),
            ],
        )?;

        let scheduler_kubeconfig = file("kube-scheduler.kubeconfig");
        self.spawn(
            "kube-scheduler",
            &bins.kube_scheduler,
            &[
                format!("--kubeconfig={scheduler_kubeconfig}"),
                format!("--authentication-kubeconfig={scheduler_kubeconfig}"),
                format!("--authorization-kubeconfig={scheduler_kubeconfig}"),
                "--bind-address=127.0.0.1".into(),
                format!("--secure-port={}", p.scheduler),
                format!("--tls-cert-file={}", pki_file("apiserver.crt")),
                format!("--tls-private-key-file={}", pki_file("apiserver.key")),
                "--leader-elect=false".into(),
                "--profiling=false".into(),
            ],
        )?;

        let kwok_config = kwok::write_config(&state)?;
        self.spawn(
            "kwok",
            &bins.kwok,
            &[
                format!("--kubeconfig={}", kubeconfig.display()),
                format!("--config={}", bins.kwok_stages.display()),
                format!("--config={}", kwok_config.display()),
                "--manage-all-nodes=true".into(),
                // The node's InternalIP: kube-apiserver reaches the node's kubelet (KWOK's server) there.
                "--node-ip=127.0.0.1".into(),
                format!("--node-port={}", p.kwok),
                format!("--server-address=127.0.0.1:{}", p.kwok),
                format!("--tls-cert-file={}", pki_file("apiserver.crt")),
                format!("--tls-private-key-file={}", pki_file("apiserver.key")),
                "--node-lease-duration-seconds=40".into(),
            ],
        )?;
        let node = state.join("node.yaml");
        std::fs::write(&node, NODE_YAML.replace("NAME", NODE))?;
        let node_arg = node.display().to_string();
        self.wait("creating the fake node", READY_TIMEOUT, || {
            Ok(kubectl(bins, &kubeconfig, &["apply", "-f", &node_arg]).is_ok())
        })?;
        let node_ref = format!("node/{NODE}");
        self.wait("the fake node Ready", READY_TIMEOUT, || {
            Ok(kubectl(
                bins,
                &kubeconfig,
                &["get", &node_ref, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"],
            )
            .is_ok_and(|s| s.trim() == "True"))
        })?;
        // Pods need the namespace's default ServiceAccount, which the controller manager creates.
        self.wait("the default ServiceAccount created", READY_TIMEOUT, || {
            Ok(kubectl(bins, &kubeconfig, &["get", "serviceaccount", "default", "-n", "default"]).is_ok())
        })?;
        Ok(())
    }

    /// Starts `program` in its own process group, output to `<state>/<name>.log`, pid to `<state>/<name>.pid`.
    fn spawn(&mut self, name: &'static str, program: &Path, args: &[String]) -> Result<()> {
        let log_path = self.state.join(format!("{name}.log"));
        let log = File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        std::fs::write(self.state.join(format!("{name}.pid")), child.id().to_string())?;
        eprintln!("cluster: started {name} (pid {})", child.id());
        self.started.push((name, child));
        Ok(())
    }

    /// Polls `ready` until true; fails with the logs' tails on timeout or when a component exits.
    fn wait(&mut self, what: &str, timeout: Duration, mut ready: impl FnMut() -> Result<bool>) -> Result<()> {
        let start = Instant::now();
        loop {
            if ready()? {
                eprintln!("cluster: {what}: {:.1?}", start.elapsed());
                return Ok(());
            }
            for (name, child) in &mut self.started {
                if let Some(status) = child.try_wait()? {
                    bail!("{name} exited with {status} while waiting for {what}\n{}", log_tail(&self.state, name));
                }
            }
            if start.elapsed() > timeout {
                let tails: Vec<String> = self.started.iter().map(|(name, _)| log_tail(&self.state, name)).collect();
                bail!("timed out after {timeout:?} waiting for {what}\n{}", tails.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

/// The last lines of a component's log, labelled.
fn log_tail(state: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(state.join(format!("{name}.log"))).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = &lines[lines.len().saturating_sub(30)..];
    format!("--- last lines of {}/{name}.log ---\n{}", state.display(), tail.join("\n"))
}

/// Runs kubectl against the cluster and returns its output.
fn kubectl(bins: &Bins, kubeconfig: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(&bins.kubectl)
        .arg(format!("--kubeconfig={}", kubeconfig.display()))
        .arg("--request-timeout=5s")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("starting kubectl")?;
    if !out.status.success() {
        bail!("kubectl {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A kubeconfig for the client cert `<pki>/<user>.{crt,key}`.
fn write_kubeconfig(path: &Path, server: &str, pki: &Path, user: &str) -> Result<()> {
    let p = |name: &str| pki.join(name).display().to_string();
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: helm-api\n  cluster:\n    server: {server}\n    \
         certificate-authority: {ca}\nusers:\n- name: {user}\n  user:\n    client-certificate: {crt}\n    \
         client-key: {key}\ncontexts:\n- name: helm-api\n  context:\n    cluster: helm-api\n    user: {user}\n    \
         namespace: default\ncurrent-context: helm-api\n",
        ca = p("ca.crt"),
        crt = p(&format!("{user}.crt")),
        key = p(&format!("{user}.key")),
    );
    let mut file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// The components whose pid file names a live process that is still ours.
fn running_components(state: &Path) -> Vec<(&'static str, u32)> {
    COMPONENTS.iter().filter_map(|name| live_pid(state, name).map(|pid| (*name, pid))).collect()
}

/// The pid in `<state>/<name>.pid` if that process lives and its command line names the state folder (so a
/// recycled pid is never signalled).
fn live_pid(state: &Path, name: &str) -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(state.join(format!("{name}.pid"))).ok()?.trim().parse().ok()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let run_state = stat.rsplit_once(") ").map(|(_, rest)| rest.chars().next())?;
    if run_state == Some('Z') {
        return None;
    }
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let needle = state.display().to_string();
    String::from_utf8_lossy(&cmdline).contains(&needle).then_some(pid)
}

/// Stops every live component's process group, newest first: SIGTERM, then SIGKILL after 15 s.
fn stop_components(state: &Path) {
    for name in COMPONENTS.iter().rev() {
        let Some(pid) = live_pid(state, name) else { continue };
        signal_group(pid, "TERM");
        let start = Instant::now();
        while live_pid(state, name).is_some() {
            if start.elapsed() > Duration::from_secs(15) {
                eprintln!("cluster: {name} (pid {pid}) ignored SIGTERM; killing it");
                signal_group(pid, "KILL");
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("cluster: stopped {name} (pid {pid})");
    }
}

fn signal_group(pgid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([format!("-{signal}"), "--".to_string(), format!("-{pgid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The fake node (after KWOK's kwokctl node template); KWOK's node stages make it Ready and keep its lease.
const NODE_YAML: &str = r#"apiVersion: v1
kind: Node
metadata:
  name: NAME
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    beta.kubernetes.io/arch: amd64
    beta.kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: NAME
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    type: kwok
spec:
  podCIDR: 10.0.0.0/24
  podCIDRs:
  - 10.0.0.0/24
status:
  allocatable:
    cpu: "32"
    memory: 256Gi
    pods: "110"
  capacity:
    cpu: "32"
    memory: 256Gi
    pods: "110"
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
"#;
