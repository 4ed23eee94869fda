//! Embedding helm-core without the server: install a local chart into a namespace, as `helm install` does.
//!
//! ```sh
//! cargo run -p helm-core --example embed -- <kubeconfig> <namespace> <release> <chart dir or .tgz> [key=value...]
//! # e.g. after `eval "$(cargo xtask cluster env)"`:
//! cargo run -p helm-core --example embed -- "$KUBECONFIG" default hello examples/charts/greeter message=hi
//! ```
//!
//! The release is stored as Helm 3 stores it (a Secret in the namespace), so `helm list -n <namespace>`,
//! `helm get values <release>` and `helm uninstall <release>` work on it. Each `key=value` is a `--set`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Duration;

use helm_core::{Configuration, Install, InstallOptions, StorageDriver, ValuesOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kubeconfig, namespace, release, chart, sets @ ..] = args.as_slice() else {
        return Err("usage: embed <kubeconfig> <namespace> <release> <chart dir or .tgz> [key=value...]".into());
    };

    // A kube client and Helm 3's Secret storage for the namespace (the kubeconfig's current context).
    let kubeconfig = std::fs::read_to_string(kubeconfig)?;
    let config = Configuration::from_kubeconfig_yaml(&kubeconfig, None, Some(namespace), StorageDriver::Secret).await?;

    // The chart and the user's values, as `helm install <release> <chart> --set ...` reads them.
    let chart = chart_model::load::load(std::path::Path::new(chart))?;
    let values = ValuesOptions { values: sets.to_vec(), ..Default::default() }.merge_values()?;

    let options = InstallOptions {
        release_name: release.clone(),
        wait: true,
        timeout: Duration::from_secs(300),
        ..InstallOptions::default()
    };
    let installed = Install::new(config, options).run(&chart, &values).await?;

    let status = installed.info.as_ref().map(|i| i.status.to_string()).unwrap_or_default();
    println!(
        "NAME: {}\nNAMESPACE: {}\nSTATUS: {status}\nREVISION: {}",
        installed.name, installed.namespace, installed.version
    );
    if let Some(notes) = installed.info.as_ref().map(|i| i.notes.trim()).filter(|n| !n.is_empty()) {
        println!("NOTES:\n{notes}");
    }
    Ok(())
}
