//! The servers repo-index's tests start on loopback (nginx as an HTTP chart repository, Debian's `docker-registry`
//! as an OCI registry) and the tools they use (openssl for certificates, perl for bcrypt htpasswd lines): installed
//! with apt-get when missing and we are root. The tests start and stop the servers themselves.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

/// (binary, Debian package) pairs the repo-index tests need.
const NEEDED: &[(&str, &str)] =
    &[("nginx", "nginx"), ("docker-registry", "docker-registry"), ("openssl", "openssl"), ("perl", "perl")];

/// Installs whatever of [`NEEDED`] is missing.
pub fn install() -> Result<()> {
    let missing: Vec<&str> = NEEDED.iter().filter(|(bin, _)| !found(bin)).map(|(_, pkg)| *pkg).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        bail!("repo-index tests need {}: install these Debian packages", missing.join(", "));
    }
    eprintln!("xtask: apt-get install {}", missing.join(" "));
    let apt = |args: &[&str]| {
        Command::new("apt-get").args(args).env("DEBIAN_FRONTEND", "noninteractive").status().is_ok_and(|s| s.success())
    };
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(&missing);
    // A fresh machine has no package lists yet: update, then install again.
    let installed = apt(&install) || (apt(&["update"]) && apt(&install));
    if !installed {
        bail!("apt-get install {} failed", missing.join(" "));
    }
    // The packages' own services are not wanted (the tests run their own on free ports).
    for service in ["nginx", "docker-registry"] {
        let _ = Command::new("service").args([service, "stop"]).output();
    }
    Ok(())
}

fn found(bin: &str) -> bool {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':').chain(["/usr/sbin", "/sbin"]).any(|d| Path::new(d).join(bin).is_file())
}
