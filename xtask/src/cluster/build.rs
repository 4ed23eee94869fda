//! Builds the control plane, KWOK and Helm from the Go module proxy (tools/cluster/*), cached by version.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// One Go module under tools/cluster and the binaries built from it.
struct Module {
    /// The folder under tools/cluster.
    dir: &'static str,
    /// The module whose version keys the cache (a `require` line of the folder's go.mod).
    module: &'static str,
    /// (binary name, Go package) pairs.
    binaries: &'static [(&'static str, &'static str)],
}

const MODULES: &[Module] = &[
    Module {
        dir: "etcd",
        module: "go.etcd.io/etcd/server/v3",
        binaries: &[("etcd", "github.com/helm-api/helm-api/tools/cluster/etcd")],
    },
    Module {
        dir: "kubernetes",
        module: "k8s.io/kubernetes",
        binaries: &[
            ("kube-apiserver", "k8s.io/kubernetes/cmd/kube-apiserver"),
            ("kube-controller-manager", "k8s.io/kubernetes/cmd/kube-controller-manager"),
            ("kube-scheduler", "k8s.io/kubernetes/cmd/kube-scheduler"),
            ("kubectl", "k8s.io/kubernetes/cmd/kubectl"),
        ],
    },
    Module { dir: "kwok", module: "sigs.k8s.io/kwok", binaries: &[("kwok", "sigs.k8s.io/kwok/cmd/kwok")] },
    Module { dir: "helm", module: "helm.sh/helm/v3", binaries: &[("helm", "helm.sh/helm/v3/cmd/helm")] },
];

/// The KWOK stages (from the kwok module's kustomize/stage folder) that make one fake node and its pods behave:
/// the node becomes Ready and keeps its lease, pods become Running/Ready and Job pods complete. The cluster's own
/// stages (completing bare Pods, deleting pods) are in kwok.rs, written at `up`.
const KWOK_STAGES: &[&str] = &[
    "kustomize/stage/node/fast/node-initialize.yaml",
    "kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "kustomize/stage/pod/fast/pod-ready.yaml",
    "kustomize/stage/pod/fast/pod-complete.yaml",
];

/// The stages file's name beside the kwok binary; a new name whenever KWOK_STAGES changes, so a cache holding
/// the file of an older list gets the new one (a running cluster keeps reading its own).
const KWOK_STAGES_FILE: &str = "kwok-stages-2.yaml";

/// Where every cached binary lives.
#[derive(Debug, Clone)]
pub struct Bins {
    pub etcd: PathBuf,
    pub kube_apiserver: PathBuf,
    pub kube_controller_manager: PathBuf,
    pub kube_scheduler: PathBuf,
    pub kubectl: PathBuf,
    pub kwok: PathBuf,
    pub helm: PathBuf,
    /// The KWOK stages file written next to the kwok binary.
    pub kwok_stages: PathBuf,
    /// The Kubernetes version (for example v1.37.2).
    pub k8s_version: String,
}

impl Bins {
    /// The folders to put on PATH (kubectl and helm).
    pub fn path_dirs(&self) -> Vec<PathBuf> {
        [&self.kubectl, &self.helm].iter().filter_map(|p| p.parent().map(Path::to_path_buf)).collect()
    }

    fn all(&self) -> [&Path; 8] {
        [
            &self.etcd,
            &self.kube_apiserver,
            &self.kube_controller_manager,
            &self.kube_scheduler,
            &self.kubectl,
            &self.kwok,
            &self.helm,
            &self.kwok_stages,
        ]
    }

    /// True when every binary is already in the cache.
    pub fn complete(&self) -> bool {
        self.all().iter().all(|p| p.is_file())
    }
}

/// The version a module's go.mod requires for `module`.
fn required_version(go_mod: &Path, module: &str) -> Result<String> {
    let text = std::fs::read_to_string(go_mod).with_context(|| format!("reading {}", go_mod.display()))?;
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let words = if words.first() == Some(&"require") { &words[1..] } else { &words[..] };
        if words.len() >= 2 && words[0] == module && words[1].starts_with('v') {
            return Ok(words[1].to_string());
        }
    }
    bail!("{} does not require {module}", go_mod.display())
}

/// `<cache>/<dir>-<version>/bin/<name>`.
fn binary_path(root: &Path, cache: &Path, module: &Module, name: &str) -> Result<PathBuf> {
    let version = required_version(&root.join("tools/cluster").join(module.dir).join("go.mod"), module.module)?;
    Ok(cache.join(format!("{}-{version}", module.dir)).join("bin").join(name))
}

/// The cached paths, built or not.
pub fn locate(root: &Path, cache: &Path) -> Result<Bins> {
    let find = |name: &str| -> Result<PathBuf> {
        let module = MODULES.iter().find(|m| m.binaries.iter().any(|(b, _)| *b == name)).context("unknown binary")?;
        binary_path(root, cache, module, name)
    };
    let kwok = find("kwok")?;
    Ok(Bins {
        etcd: find("etcd")?,
        kube_apiserver: find("kube-apiserver")?,
        kube_controller_manager: find("kube-controller-manager")?,
        kube_scheduler: find("kube-scheduler")?,
        kubectl: find("kubectl")?,
        kwok_stages: kwok.with_file_name(KWOK_STAGES_FILE),
        kwok,
        helm: find("helm")?,
        k8s_version: required_version(&root.join("tools/cluster/kubernetes/go.mod"), "k8s.io/kubernetes")?,
    })
}

/// Builds every missing binary, one at a time under `nice -n 19`, and returns their paths.
pub fn build(root: &Path, cache: &Path) -> Result<Bins> {
    let bins = locate(root, cache)?;
    if bins.complete() {
        eprintln!("cluster: every binary is cached under {}", cache.display());
        return Ok(bins);
    }
    check_go()?;
    for module in MODULES {
        let dir = root.join("tools/cluster").join(module.dir);
        let version = required_version(&dir.join("go.mod"), module.module)?;
        for (name, package) in module.binaries {
            let out = binary_path(root, cache, module, name)?;
            if out.is_file() {
                eprintln!("cluster: {name} {version} cached at {}", out.display());
                continue;
            }
            let ldflags = ldflags(root, module.module, &version)?;
            go_build(&dir, package, &out, &ldflags).with_context(|| format!("building {name} {version}"))?;
        }
    }
    let bins = locate(root, cache)?;
    if !bins.kwok_stages.is_file() {
        write_kwok_stages(&root.join("tools/cluster/kwok"), &bins.kwok_stages)?;
    }
    Ok(bins)
}

fn check_go() -> Result<()> {
    let out = Command::new("go").arg("version").output();
    match out {
        Ok(out) if out.status.success() => {
            eprintln!("cluster: {}", String::from_utf8_lossy(&out.stdout).trim());
            Ok(())
        }
        _ => bail!(
            "`go` was not found or failed: building the control plane needs Go 1.26 or newer on PATH \
             (and the Go module proxy reachable)"
        ),
    }
}

/// The version stamps the projects' own release builds set, so `kubectl version`, discovery's /version and
/// `helm version` answer as released binaries do (Helm's default Capabilities.KubeVersion included).
fn ldflags(root: &Path, module: &str, version: &str) -> Result<String> {
    let mut flags = vec!["-s".to_string(), "-w".to_string()];
    let numbers: Vec<&str> = version.trim_start_matches('v').split('.').collect();
    match module {
        "k8s.io/kubernetes" => {
            let (major, minor) = (numbers.first().copied().unwrap_or("1"), numbers.get(1).copied().unwrap_or("0"));
            for package in ["k8s.io/client-go/pkg/version", "k8s.io/component-base/version"] {
                flags.push(format!("-X {package}.gitVersion={version}"));
                flags.push(format!("-X {package}.gitMajor={major}"));
                flags.push(format!("-X {package}.gitMinor={minor}"));
                flags.push(format!("-X {package}.gitTreeState=clean"));
                flags.push(format!("-X {package}.buildDate=1970-01-01T00:00:00Z"));
            }
        }
        "sigs.k8s.io/kwok" => flags.push(format!("-X sigs.k8s.io/kwok/pkg/consts.Version={}", &version[1..])),
        "helm.sh/helm/v3" => {
            flags.push(format!("-X helm.sh/helm/v3/internal/version.version={version}"));
            flags.push("-X helm.sh/helm/v3/internal/version.gitTreeState=clean".to_string());
            // Helm's Makefile: the Kubernetes version of the client-go it requires (v0.37.0 -> 1.37).
            let client_go = required_version(&root.join("tools/cluster/helm/go.mod"), "k8s.io/client-go")?;
            let client_go = client_go.split('.').nth(1).context("client-go version has a minor")?.to_string();
            for package in ["helm.sh/helm/v3/pkg/lint/rules", "helm.sh/helm/v3/pkg/chartutil"] {
                flags.push(format!("-X {package}.k8sVersionMajor=1"));
                flags.push(format!("-X {package}.k8sVersionMinor={client_go}"));
            }
        }
        _ => {}
    }
    Ok(flags.join(" "))
}

fn go_build(dir: &Path, package: &str, out: &Path, ldflags: &str) -> Result<()> {
    let parent = out.parent().context("binary path has a folder")?;
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let tmp = out.with_extension("partial");
    eprintln!("cluster: building {package} -> {} (slow the first time)", out.display());
    let start = Instant::now();
    let status = Command::new("nice")
        .args(["-n", "19", "go", "build", "-trimpath", "-ldflags", ldflags, "-o"])
        .arg(&tmp)
        .arg(package)
        .current_dir(dir)
        .env("CGO_ENABLED", "0")
        .env("GOFLAGS", "-buildvcs=false -mod=readonly")
        .status()
        .context("starting `nice go build`")?;
    if !status.success() {
        let _ = std::fs::remove_file(&tmp);
        bail!("`go build {package}` in {} failed with {status}", dir.display());
    }
    std::fs::rename(&tmp, out).with_context(|| format!("moving the binary to {}", out.display()))?;
    eprintln!("cluster: built {} in {:.0?}", out.display(), start.elapsed());
    Ok(())
}

/// Copies KWOK's stage definitions out of the module cache into one file for `kwok --config`.
fn write_kwok_stages(kwok_dir: &Path, out: &Path) -> Result<()> {
    let output = Command::new("go")
        .args(["list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kwok"])
        .current_dir(kwok_dir)
        .env("GOFLAGS", "-buildvcs=false -mod=readonly")
        .output()
        .context("starting `go list`")?;
    if !output.status.success() {
        bail!("`go list -m sigs.k8s.io/kwok` failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let module_dir = PathBuf::from(String::from_utf8(output.stdout)?.trim());
    let mut text = String::new();
    for stage in KWOK_STAGES {
        let path = module_dir.join(stage);
        let body = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        text.push_str("---\n");
        text.push_str(body.trim_end());
        text.push('\n');
    }
    std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))
}
