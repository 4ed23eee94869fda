//! `helmrs install|upgrade|rollback|uninstall|list|history|status|get values|get manifest`: Helm's flags and outputs over helm-core's actions.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use helm_core::{
    Configuration, Install, InstallOptions, List, ListOptions, ListSort, ReleaseTesting, Rollback, RollbackOptions,
    StorageDriver, Uninstall, UninstallOptions, Upgrade, UpgradeOptions, ValuesOptions, release_info,
};
use release_storage::{Release, Status};
use serde_json::{Value as Json, json};

use crate::go_time::{ansic, list_time};

/// The release commands.
#[derive(Subcommand)]
pub enum ReleaseCommand {
    /// Install a chart, as `helm install`.
    Install(InstallArgs),
    /// Upgrade a release, as `helm upgrade`.
    Upgrade(UpgradeArgs),
    /// Roll a release back, as `helm rollback`.
    Rollback(RollbackArgs),
    /// Uninstall a release, as `helm uninstall`.
    #[command(visible_aliases = ["del", "delete", "un"])]
    Uninstall(UninstallArgs),
    /// List releases, as `helm list`.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Run the tests of a release, as `helm test`.
    Test(TestArgs),
    /// Fetch release history, as `helm history`.
    #[command(alias = "hist")]
    History(HistoryArgs),
    /// Display the status of a release, as `helm status`.
    Status(StatusArgs),
    /// Download extended information of a release, as `helm get`.
    #[command(subcommand)]
    Get(GetCommand),
}

/// `helm get` subcommands.
#[derive(Subcommand)]
pub enum GetCommand {
    /// The values file of a release.
    Values(GetValuesArgs),
    /// The manifest of a release.
    Manifest(GetManifestArgs),
    /// The notes of a release.
    Notes(GetManifestArgs),
    /// The hooks of a release.
    Hooks(GetManifestArgs),
}

#[derive(Args, Clone)]
pub struct Kube {
    /// Path to the kubeconfig file.
    #[arg(long = "kubeconfig", global = true)]
    kubeconfig: Option<PathBuf>,
    /// Name of the kubeconfig context to use.
    #[arg(long = "kube-context", global = true)]
    kube_context: Option<String>,
    /// Namespace scope for this request.
    #[arg(short = 'n', long = "namespace", global = true)]
    namespace: Option<String>,
    /// Show progress (objects applied, hooks, what is not ready yet) on stderr.
    #[arg(long = "debug", global = true)]
    debug: bool,
}

#[derive(Args)]
pub struct ValueArgs {
    /// Specify values in a YAML file (can specify multiple).
    #[arg(short = 'f', long = "values")]
    values: Vec<PathBuf>,
    /// Set values on the command line.
    #[arg(long = "set")]
    set: Vec<String>,
    /// Set STRING values on the command line.
    #[arg(long = "set-string")]
    set_string: Vec<String>,
    /// Set values from files.
    #[arg(long = "set-file")]
    set_file: Vec<String>,
    /// Set JSON values on the command line.
    #[arg(long = "set-json")]
    set_json: Vec<String>,
    /// Set a literal STRING value.
    #[arg(long = "set-literal")]
    set_literal: Vec<String>,
}

#[derive(Args)]
pub struct InstallArgs {
    /// `[NAME] CHART`.
    #[arg(num_args = 1..=2, required = true)]
    args: Vec<String>,
    #[command(flatten)]
    kube: Kube,
    #[command(flatten)]
    values: ValueArgs,
    /// Chart location flags (`--version`, `--repo`, credentials, TLS) for `repo/chart` and `oci://`.
    #[command(flatten)]
    chart_path: crate::chart_ref::ChartPathArgs,
    /// Generate the name (and omit the NAME parameter).
    #[arg(short = 'g', long = "generate-name")]
    generate_name: bool,
    /// Create the release namespace if not present.
    #[arg(long = "create-namespace")]
    create_namespace: bool,
    /// Simulate an install: `client` (the default when given alone) or `server` (lookup answered by the cluster).
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "client")]
    dry_run: Option<String>,
    /// Re-use the given name, only if that name is a deleted release which remains in the history.
    #[arg(long = "replace")]
    replace: bool,
    /// Force resource updates through a replacement strategy.
    #[arg(long = "force")]
    force: bool,
    #[command(flatten)]
    server_side: ServerSideArgs,
    /// If set, do not show notes in the output.
    #[arg(long = "hide-notes")]
    hide_notes: bool,
    /// Prevent hooks from running during install.
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    /// Skip CRDs.
    #[arg(long = "skip-crds")]
    skip_crds: bool,
    /// Wait until all resources are ready.
    #[arg(long = "wait")]
    wait: bool,
    /// Wait until all Jobs have completed.
    #[arg(long = "wait-for-jobs")]
    wait_for_jobs: bool,
    /// Time to wait for any individual Kubernetes operation (like `5m0s`).
    #[arg(long = "timeout", default_value = "5m0s")]
    timeout: String,
    /// Delete the installation on failure.
    #[arg(long = "atomic")]
    atomic: bool,
    /// Add a custom description.
    #[arg(long = "description")]
    description: Option<String>,
    /// Labels added to release metadata (key=value, comma-separated).
    #[arg(short = 'l', long = "labels", value_delimiter = ',')]
    labels: Vec<String>,
    /// Take ownership of existing resources.
    #[arg(long = "take-ownership")]
    take_ownership: bool,
    /// Output format: table, json, yaml.
    #[arg(short = 'o', long = "output", default_value = "table")]
    output: String,
}

#[derive(Args)]
pub struct UpgradeArgs {
    /// `RELEASE CHART`.
    release: String,
    chart: String,
    #[command(flatten)]
    kube: Kube,
    #[command(flatten)]
    values: ValueArgs,
    /// Chart location flags (`--version`, `--repo`, credentials, TLS) for `repo/chart` and `oci://`.
    #[command(flatten)]
    chart_path: crate::chart_ref::ChartPathArgs,
    /// Run an install if the release does not exist.
    #[arg(short = 'i', long = "install")]
    install: bool,
    /// Reuse the last release's values and merge in overrides.
    #[arg(long = "reuse-values")]
    reuse_values: bool,
    /// Reset the values to the ones built into the chart.
    #[arg(long = "reset-values")]
    reset_values: bool,
    /// Reset to the chart's values, then reuse the last release's and merge overrides.
    #[arg(long = "reset-then-reuse-values")]
    reset_then_reuse_values: bool,
    /// Create the release namespace (with --install).
    #[arg(long = "create-namespace")]
    create_namespace: bool,
    /// Simulate an upgrade: `client` (the default when given alone) or `server` (lookup answered by the cluster).
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "client")]
    dry_run: Option<String>,
    /// Force resource updates through a replacement strategy.
    #[arg(long = "force")]
    force: bool,
    /// Ignore the check for helm annotations and take ownership of the existing resources.
    #[arg(long = "take-ownership")]
    take_ownership: bool,
    #[command(flatten)]
    server_side: ServerSideArgs,
    /// If set, do not show notes in the output.
    #[arg(long = "hide-notes")]
    hide_notes: bool,
    /// Disable pre/post upgrade hooks.
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    /// Wait until all resources are ready.
    #[arg(long = "wait")]
    wait: bool,
    /// Wait until all Jobs have completed.
    #[arg(long = "wait-for-jobs")]
    wait_for_jobs: bool,
    /// Time to wait for any individual Kubernetes operation.
    #[arg(long = "timeout", default_value = "5m0s")]
    timeout: String,
    /// Roll back on failure.
    #[arg(long = "atomic")]
    atomic: bool,
    /// Delete new resources created in this upgrade when it fails.
    #[arg(long = "cleanup-on-fail")]
    cleanup_on_fail: bool,
    /// Limit the maximum number of revisions saved per release (0: no limit).
    #[arg(long = "history-max", default_value_t = 10)]
    history_max: usize,
    /// Add a custom description.
    #[arg(long = "description")]
    description: Option<String>,
    /// Output format: table, json, yaml.
    #[arg(short = 'o', long = "output", default_value = "table")]
    output: String,
}

#[derive(Args)]
pub struct RollbackArgs {
    /// `RELEASE [REVISION]`.
    release: String,
    revision: Option<i64>,
    #[command(flatten)]
    kube: Kube,
    /// Prevent hooks from running during rollback.
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    /// Wait until all resources are ready.
    #[arg(long = "wait")]
    wait: bool,
    /// Wait until all Jobs have completed.
    #[arg(long = "wait-for-jobs")]
    wait_for_jobs: bool,
    /// Time to wait for any individual Kubernetes operation.
    #[arg(long = "timeout", default_value = "5m0s")]
    timeout: String,
    /// Delete new resources created in this rollback when it fails.
    #[arg(long = "cleanup-on-fail")]
    cleanup_on_fail: bool,
    /// Limit the maximum number of revisions saved per release.
    #[arg(long = "history-max", default_value_t = 10)]
    history_max: usize,
    /// Simulate a rollback.
    #[arg(long = "dry-run")]
    dry_run: bool,
    /// Force resource update through a replacement strategy.
    #[arg(long = "force")]
    force: bool,
    #[command(flatten)]
    server_side: ServerSideArgs,
}

/// Helm 4's server-side apply flags (helmrs keeps Helm 3's client-side default for installs).
#[derive(Args, Clone)]
pub struct ServerSideArgs {
    /// Apply objects server-side (Helm 4): `auto` follows the release's recorded method, `true`, `false`.
    #[arg(long = "server-side")]
    server_side: Option<String>,
    /// With server-side apply, take the fields other field managers own instead of failing.
    #[arg(long = "force-conflicts")]
    force_conflicts: bool,
}

impl ServerSideArgs {
    /// The choice, `default` when not given.
    fn choice(&self, default: helm_core::ServerSide) -> Result<helm_core::ServerSide> {
        Ok(match self.server_side.as_deref() {
            None => default,
            Some("auto") => helm_core::ServerSide::Auto,
            Some("true") => helm_core::ServerSide::True,
            Some("false") => helm_core::ServerSide::False,
            Some(other) => bail!("invalid server-side value {other:?}: must be one of auto, true, false"),
        })
    }
}

/// Helm's `--dry-run` words: `(dry_run, server)`.
fn dry_run_mode(flag: Option<&str>) -> Result<(bool, bool)> {
    match flag {
        None | Some("none" | "false") => Ok((false, false)),
        Some("client" | "true") => Ok((true, false)),
        Some("server") => Ok((true, true)),
        Some(_) => bail!("Invalid dry-run flag. Flag must one of the following: false, true, none, client, server"),
    }
}

#[derive(Args)]
pub struct UninstallArgs {
    /// `RELEASE_NAME [...]`.
    #[arg(required = true)]
    releases: Vec<String>,
    #[command(flatten)]
    kube: Kube,
    /// Prevent hooks from running during uninstallation.
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    /// Remove all associated resources and mark the release as deleted, but retain the release history.
    #[arg(long = "keep-history")]
    keep_history: bool,
    /// Wait until all the resources are deleted.
    #[arg(long = "wait")]
    wait: bool,
    /// Time to wait for any individual Kubernetes operation.
    #[arg(long = "timeout", default_value = "5m0s")]
    timeout: String,
    /// Add a custom description.
    #[arg(long = "description")]
    description: Option<String>,
    /// Deletion cascading strategy for the dependents: background, orphan or foreground.
    #[arg(long = "cascade", default_value = "background")]
    cascade: String,
    /// Simulate an uninstall (only checks that the release exists).
    #[arg(long = "dry-run")]
    dry_run: bool,
    /// Treat "release not found" as a successful uninstall.
    #[arg(long = "ignore-not-found")]
    ignore_not_found: bool,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    kube: Kube,
    /// List releases across all namespaces.
    #[arg(short = 'A', long = "all-namespaces")]
    all_namespaces: bool,
    /// Show all releases without any filter applied.
    #[arg(short = 'a', long = "all")]
    all: bool,
    /// Show deployed releases.
    #[arg(long = "deployed")]
    deployed: bool,
    /// Show failed releases.
    #[arg(long = "failed")]
    failed: bool,
    /// Show pending releases.
    #[arg(long = "pending")]
    pending: bool,
    /// Show superseded releases.
    #[arg(long = "superseded")]
    superseded: bool,
    /// Show uninstalled releases (if --keep-history was used).
    #[arg(long = "uninstalled")]
    uninstalled: bool,
    /// Show releases that are currently being uninstalled.
    #[arg(long = "uninstalling")]
    uninstalling: bool,
    /// A regular expression; only matching release names are listed.
    #[arg(short = 'f', long = "filter")]
    filter: Option<String>,
    /// Sort by release date.
    #[arg(short = 'd', long = "date")]
    date: bool,
    /// Reverse the sort order.
    #[arg(short = 'r', long = "reverse")]
    reverse: bool,
    /// Maximum number of releases to fetch.
    #[arg(short = 'm', long = "max", default_value_t = 256)]
    max: usize,
    /// Next release index in the list.
    #[arg(long = "offset", default_value_t = 0)]
    offset: usize,
    /// Output short (quiet) listing format.
    #[arg(short = 'q', long = "short")]
    short: bool,
    /// Output format: table, json, yaml.
    #[arg(short = 'o', long = "output", default_value = "table")]
    output: String,
}

#[derive(Args)]
pub struct HistoryArgs {
    release: String,
    #[command(flatten)]
    kube: Kube,
    /// Maximum number of revisions to include in history.
    #[arg(long = "max", default_value_t = 256)]
    max: usize,
    /// Output format: table, json, yaml.
    #[arg(short = 'o', long = "output", default_value = "table")]
    output: String,
}

#[derive(Args)]
pub struct StatusArgs {
    release: String,
    #[command(flatten)]
    kube: Kube,
    /// If set, display the status of the named release with revision.
    #[arg(long = "revision", default_value_t = 0)]
    revision: i64,
    /// If set, display the description message of the named release.
    #[arg(long = "show-desc")]
    show_desc: bool,
    /// Output format: table, json, yaml.
    #[arg(short = 'o', long = "output", default_value = "table")]
    output: String,
}

#[derive(Args)]
pub struct GetValuesArgs {
    release: String,
    #[command(flatten)]
    kube: Kube,
    /// Dump all (computed) values.
    #[arg(short = 'a', long = "all")]
    all: bool,
    /// Get the named release with revision.
    #[arg(long = "revision", default_value_t = 0)]
    revision: i64,
    /// Output format: table, json, yaml.
    #[arg(short = 'o', long = "output", default_value = "table")]
    output: String,
}

#[derive(Args)]
pub struct TestArgs {
    release: String,
    #[command(flatten)]
    kube: Kube,
    /// Dump the logs from test pods (after all tests are complete, before any cleanup).
    #[arg(long = "logs")]
    logs: bool,
    /// Specify tests by attribute (`name=test1`, `!name=test2`; comma-separated or repeated).
    #[arg(long = "filter", value_delimiter = ',')]
    filter: Vec<String>,
    /// If set, do not show notes in test output.
    #[arg(long = "hide-notes")]
    hide_notes: bool,
    /// Time to wait for any individual Kubernetes operation.
    #[arg(long = "timeout", default_value = "5m0s")]
    timeout: String,
}

#[derive(Args)]
pub struct GetManifestArgs {
    release: String,
    #[command(flatten)]
    kube: Kube,
    /// Get the named release with revision.
    #[arg(long = "revision", default_value_t = 0)]
    revision: i64,
}

/// Runs a release command on a fresh runtime.
pub fn run(command: ReleaseCommand) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    // As helm, an install or upgrade stops on SIGINT or SIGTERM with its revision recorded failed.
    let cancellable = match &command {
        ReleaseCommand::Install(a) => a.args.first().map(|n| (n.clone(), "INSTALLATION FAILED")),
        ReleaseCommand::Upgrade(a) => Some((a.release.clone(), "UPGRADE FAILED")),
        _ => None,
    };
    let out = runtime.block_on(async {
        let Some((name, failed)) = cancellable else { return dispatch(command).await };
        tokio::select! {
            out = dispatch(command) => out,
            signal = interrupted() => {
                signal?;
                std::io::stdout().lock().write_all(format!("Release {name} has been cancelled.\n").as_bytes())?;
                // The dropped operation marks its revision failed and lets its lock go: wait for both.
                helm_core::operation::settle(Duration::from_secs(10)).await;
                Err(anyhow::anyhow!("{failed}: context canceled"))
            }
        }
    })?;
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

/// The first SIGINT or SIGTERM.
async fn interrupted() -> Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => Ok(r?),
        _ = terminate.recv() => Ok(()),
    }
}

/// With `--debug`, helm-core's and kube-apply's progress events go to stderr.
fn progress(kube: &Kube) {
    if kube.debug {
        let filter = tracing_subscriber::EnvFilter::new("helm_core=info,kube_apply=info");
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_target(false)
            .without_time()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init();
    }
}

async fn configuration(kube: &Kube) -> Result<Configuration> {
    progress(kube);
    let path = match &kube.kubeconfig {
        Some(p) => p.clone(),
        None => match std::env::var_os("KUBECONFIG") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".kube/config"),
        },
    };
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let driver = match std::env::var("HELM_DRIVER").unwrap_or_default().to_lowercase().as_str() {
        "" | "secret" | "secrets" => StorageDriver::Secret,
        "configmap" | "configmaps" => StorageDriver::ConfigMap,
        "memory" => StorageDriver::Memory,
        "sql" => StorageDriver::Sql(std::env::var("HELM_DRIVER_SQL_CONNECTION_STRING").unwrap_or_default()),
        other => bail!("unknown driver {other:?}"),
    };
    let config =
        Configuration::from_kubeconfig_yaml(&text, kube.kube_context.as_deref(), kube.namespace.as_deref(), driver)
            .await?;
    // How long a release lock outlives a process that dies holding it (default 60s).
    Ok(match std::env::var("HELM_API_LOCK_TTL") {
        Ok(ttl) if !ttl.is_empty() => config.with_lock_ttl(duration(&ttl).context("HELM_API_LOCK_TTL")?),
        _ => config,
    })
}

fn merge(v: ValueArgs) -> Result<chart_model::Map> {
    Ok(ValuesOptions {
        value_files: v.values,
        json_values: v.set_json,
        values: v.set,
        string_values: v.set_string,
        file_values: v.set_file,
        literal_values: v.set_literal,
    }
    .merge_values()?)
}

/// A local chart as before; `repo/chart`, a chart URL or `oci://` through helm-core's chart_source.
async fn load(path: &str, chart_path: &crate::chart_ref::ChartPathArgs) -> Result<chart_model::Chart> {
    if std::path::Path::new(path).exists() {
        return chart_model::load::load(std::path::Path::new(path)).map_err(|e| anyhow::anyhow!("{e}"));
    }
    Ok(chart_path.locate(path).await?.chart)
}

/// Go's `time.ParseDuration` for the usual forms (`300s`, `5m0s`, `1h2m3.5s`, `500ms`).
fn duration(text: &str) -> Result<Duration> {
    let mut total = 0f64;
    let mut rest = text;
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    while !rest.is_empty() {
        let n = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..n].parse().with_context(|| format!("time: invalid duration {text:?}"))?;
        rest = &rest[n..];
        let u = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..u] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => bail!("time: invalid duration {text:?}"),
        };
        total += number * scale;
        rest = &rest[u..];
    }
    Ok(Duration::from_secs_f64(total))
}

async fn dispatch(command: ReleaseCommand) -> Result<String> {
    match command {
        // As helm, every failure of an install (arguments, chart, values, cluster) is prefixed.
        ReleaseCommand::Install(a) => install(a).await.context("INSTALLATION FAILED"),
        ReleaseCommand::Upgrade(a) => upgrade(a).await,
        ReleaseCommand::Rollback(a) => {
            let config = configuration(&a.kube).await?;
            let options = RollbackOptions {
                version: a.revision.unwrap_or(0),
                disable_hooks: a.no_hooks,
                wait: a.wait,
                wait_for_jobs: a.wait_for_jobs,
                timeout: duration(&a.timeout)?,
                cleanup_on_fail: a.cleanup_on_fail,
                max_history: a.history_max,
                dry_run: a.dry_run,
                force: a.force,
                force_conflicts: a.server_side.force_conflicts,
                // Follows the method the target revision recorded (client-side for every Helm 3 release).
                server_side: a.server_side.choice(helm_core::ServerSide::Auto)?,
            };
            Rollback::new(config, options).run(&a.release).await?;
            Ok("Rollback was a success! Happy Helming!\n".to_owned())
        }
        ReleaseCommand::Uninstall(a) => {
            let propagation = match a.cascade.as_str() {
                "background" => helm_core::uninstall::Propagation::Background,
                "foreground" => helm_core::uninstall::Propagation::Foreground,
                "orphan" => helm_core::uninstall::Propagation::Orphan,
                other => {
                    bail!("invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"")
                }
            };
            let config = configuration(&a.kube).await?;
            let options = UninstallOptions {
                disable_hooks: a.no_hooks,
                keep_history: a.keep_history,
                wait: a.wait,
                timeout: duration(&a.timeout)?,
                description: a.description,
                propagation,
            };
            let mut out = String::new();
            for name in &a.releases {
                // As helm: what was printed for earlier releases stays printed when a later one fails.
                let result = if a.dry_run {
                    release_info::status(&config, name, 0).await.map(|_| String::new())
                } else {
                    match Uninstall::new(config.clone(), options.clone()).run(name).await {
                        Ok(r) => Ok(r.info),
                        Err(helm_core::Error::Storage(m))
                            if a.ignore_not_found && m.starts_with("uninstall: Release not loaded: ") =>
                        {
                            Ok(String::new())
                        }
                        Err(e) => Err(e),
                    }
                };
                match result {
                    Ok(info) => {
                        if !info.is_empty() {
                            out.push_str(&info);
                            out.push('\n');
                        }
                        out.push_str(&format!("release {name:?} uninstalled\n"));
                    }
                    Err(e) => {
                        std::io::stdout().lock().write_all(out.as_bytes())?;
                        return Err(e.into());
                    }
                }
            }
            Ok(out)
        }
        ReleaseCommand::List(a) => list(a).await,
        ReleaseCommand::History(a) => {
            let config = configuration(&a.kube).await?;
            let history = release_info::history(&config, &a.release, a.max).await?;
            history_output(&history, &a.output)
        }
        ReleaseCommand::Status(a) => {
            let config = configuration(&a.kube).await?;
            let mut release = release_info::status(&config, &a.release, a.revision).await?;
            // `helm status` strips the chart from its output.
            release.chart = None;
            status_output(&release, &a.output, StatusFlags { show_desc: a.show_desc, ..StatusFlags::default() })
        }
        ReleaseCommand::Get(GetCommand::Values(a)) => {
            let config = configuration(&a.kube).await?;
            let values = release_info::get_values(&config, &a.release, a.revision, a.all).await?;
            let value = chart_model::Value::Map(values);
            match a.output.as_str() {
                "json" => Ok(chart_model::json::to_string(&value).map_err(|e| anyhow::anyhow!("{e}"))? + "\n"),
                "yaml" => Ok(yaml(&value)?),
                "table" => {
                    let title = if a.all { "COMPUTED VALUES:" } else { "USER-SUPPLIED VALUES:" };
                    Ok(format!("{title}\n{}", yaml(&value)?))
                }
                other => bail!("invalid format type {other:?}"),
            }
        }
        ReleaseCommand::Get(GetCommand::Notes(a)) => {
            let config = configuration(&a.kube).await?;
            let notes = release_info::get_notes(&config, &a.release, a.revision).await?;
            Ok(format!("NOTES:\n{notes}\n"))
        }
        ReleaseCommand::Get(GetCommand::Hooks(a)) => {
            let config = configuration(&a.kube).await?;
            let hooks = release_info::get_hooks(&config, &a.release, a.revision).await?;
            Ok(hooks.iter().map(|h| format!("---\n# Source: {}\n{}\n", h.path, h.manifest)).collect())
        }
        ReleaseCommand::Test(a) => test(a).await,
        ReleaseCommand::Get(GetCommand::Manifest(a)) => {
            let config = configuration(&a.kube).await?;
            Ok(release_info::get_manifest(&config, &a.release, a.revision).await? + "\n")
        }
    }
}

/// Values as Helm's `output.EncodeYAML` prints a map (`{}` for none).
fn values_yaml(value: &chart_model::Value) -> Result<String> {
    if matches!(value, chart_model::Value::Map(m) if m.is_empty()) {
        return Ok("{}\n".to_owned());
    }
    chart_model::yaml::to_string(value).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Values as `helm get values` prints YAML (`null` for none).
fn yaml(value: &chart_model::Value) -> Result<String> {
    if matches!(value, chart_model::Value::Map(m) if m.is_empty()) {
        return Ok("null\n".to_owned());
    }
    chart_model::yaml::to_string(value).map_err(|e| anyhow::anyhow!("{e}"))
}

async fn install(a: InstallArgs) -> Result<String> {
    let (name, chart_path) = match (a.generate_name, a.args.as_slice()) {
        (true, [chart]) => (String::new(), chart.clone()),
        (false, [name, chart]) => (name.clone(), chart.clone()),
        (false, [_]) => bail!("must either provide a name or specify --generate-name"),
        _ => bail!("expected [NAME] CHART"),
    };
    let (dry_run, dry_run_server) = dry_run_mode(a.dry_run.as_deref())?;
    let chart = load(&chart_path, &a.chart_path).await?;
    let values = merge(a.values)?;
    let config = configuration(&a.kube).await?;
    let mut labels = std::collections::BTreeMap::new();
    for l in a.labels {
        let (k, v) = l.split_once('=').with_context(|| format!("invalid label {l:?}"))?;
        labels.insert(k.to_owned(), v.to_owned());
    }
    let options = InstallOptions {
        release_name: name,
        generate_name: a.generate_name,
        create_namespace: a.create_namespace,
        dry_run,
        disable_hooks: a.no_hooks,
        skip_crds: a.skip_crds,
        wait: a.wait,
        wait_for_jobs: a.wait_for_jobs,
        timeout: duration(&a.timeout)?,
        atomic: a.atomic,
        description: a.description,
        labels,
        take_ownership: a.take_ownership,
        dry_run_server,
        replace: a.replace,
        force: a.force,
        force_conflicts: a.server_side.force_conflicts,
        // helmrs is Helm 3's CLI: installs are client-side, as helm v3, unless --server-side says otherwise.
        server_side: a.server_side.choice(helm_core::ServerSide::False)?,
    };
    let release = Install::new(config, options).run(&chart, &values).await?;
    let flags = StatusFlags { debug: a.kube.debug, hide_notes: a.hide_notes, ..StatusFlags::default() };
    status_output(&release, &a.output, flags)
}

async fn test(a: TestArgs) -> Result<String> {
    let config = configuration(&a.kube).await?;
    let mut testing = ReleaseTesting::new(config, duration(&a.timeout)?);
    for f in &a.filter {
        if let Some(name) = f.strip_prefix("name=") {
            testing.include.push(name.to_owned());
        } else if let Some(name) = f.strip_prefix('!').and_then(|rest| rest.trim_start().strip_prefix("name=")) {
            testing.exclude.push(name.to_owned());
        }
    }
    let run = testing.run_recorded(&a.release).await?;
    // As `helm test`: the status first, then the logs, then a failing test's error.
    let flags = StatusFlags { debug: a.kube.debug, hide_notes: a.hide_notes, ..StatusFlags::default() };
    let mut out = status_output(&run.release, "table", flags)?;
    if a.logs {
        out.push('\n');
        match testing.pod_logs(&run.release).await {
            Ok(logs) => {
                for (name, text) in logs {
                    out.push_str(&format!("POD LOGS: {name}\n{text}\n"));
                }
            }
            Err(e) => {
                std::io::stdout().lock().write_all(out.as_bytes())?;
                return Err(e.into());
            }
        }
    }
    match run.failure {
        None => Ok(out),
        Some(e) => {
            std::io::stdout().lock().write_all(out.as_bytes())?;
            Err(e.into())
        }
    }
}

async fn upgrade(a: UpgradeArgs) -> Result<String> {
    let (dry_run, dry_run_server) = dry_run_mode(a.dry_run.as_deref())?;
    let config = configuration(&a.kube).await?;
    let flags = StatusFlags { debug: a.kube.debug, hide_notes: a.hide_notes, ..StatusFlags::default() };
    let options = UpgradeOptions {
        reuse_values: a.reuse_values,
        reset_values: a.reset_values,
        reset_then_reuse_values: a.reset_then_reuse_values,
        disable_hooks: a.no_hooks,
        wait: a.wait,
        wait_for_jobs: a.wait_for_jobs,
        timeout: duration(&a.timeout)?,
        atomic: a.atomic,
        cleanup_on_fail: a.cleanup_on_fail,
        max_history: a.history_max,
        description: a.description,
        dry_run,
        dry_run_server,
        force: a.force,
        force_conflicts: a.server_side.force_conflicts,
        take_ownership: a.take_ownership,
        // Follows the method the last release recorded (client-side for every Helm 3 release).
        server_side: a.server_side.choice(helm_core::ServerSide::Auto)?,
    };
    if a.install {
        // As helm: a release that does not exist, or whose last revision is uninstalled, is installed
        // (replacing the uninstalled one).
        let target = helm_core::upgrade_target(&config, &a.release).await?;
        if target != helm_core::UpgradeTarget::Existing {
            if a.output == "table" {
                let line = format!("Release {:?} does not exist. Installing it now.\n", a.release);
                std::io::stdout().lock().write_all(line.as_bytes())?;
            }
            let options = InstallOptions {
                // helmrs installs client-side, as Helm 3, unless told otherwise.
                server_side: a.server_side.choice(helm_core::ServerSide::False)?,
                ..options.install_options(&a.release, a.create_namespace, target)
            };
            let chart = load(&a.chart, &a.chart_path).await?;
            let values = merge(a.values)?;
            // Helm does not prefix this install's error.
            let release = Install::new(config, options).run(&chart, &values).await?;
            return status_output(&release, &a.output, flags);
        }
    }
    let chart = load(&a.chart, &a.chart_path).await?;
    let values = merge(a.values)?;
    let release = Upgrade::new(config, options).run(&a.release, &chart, &values).await.context("UPGRADE FAILED")?;
    let mut out = String::new();
    if a.output == "table" {
        out.push_str(&format!("Release {:?} has been upgraded. Happy Helming!\n", a.release));
    }
    out.push_str(&status_output(&release, &a.output, flags)?);
    Ok(out)
}

async fn list(a: ListArgs) -> Result<String> {
    let config = configuration(&a.kube).await?;
    let mut statuses = Vec::new();
    for (on, s) in [
        (a.deployed, Status::Deployed),
        (a.failed, Status::Failed),
        (a.pending, Status::PendingInstall),
        (a.superseded, Status::Superseded),
        (a.uninstalled, Status::Uninstalled),
        (a.uninstalling, Status::Uninstalling),
    ] {
        if on {
            statuses.push(s);
        }
    }
    let options = ListOptions {
        all_namespaces: a.all_namespaces,
        all: a.all,
        statuses,
        filter: a.filter,
        sort: if a.date { ListSort::Date } else { ListSort::Name },
        reverse: a.reverse,
        limit: a.max,
        offset: a.offset,
    };
    let releases = List::new(config, options).run().await?;
    if a.short {
        return Ok(releases.iter().map(|r| format!("{}\n", r.name)).collect());
    }
    let rows: Vec<Json> = releases
        .iter()
        .map(|r| {
            let info = r.info.clone().unwrap_or_default();
            json!({
                "name": r.name,
                "namespace": r.namespace,
                "revision": r.version.to_string(),
                "updated": list_time(&info.last_deployed),
                "status": info.status.as_str(),
                "chart": chart_name(r),
                "app_version": app_version(r),
            })
        })
        .collect();
    match a.output.as_str() {
        "json" => Ok(serde_json::to_string(&rows)? + "\n"),
        "yaml" => json_as_yaml(&Json::Array(rows)),
        "table" => {
            let mut table = vec![
                ["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]
                    .map(str::to_owned)
                    .to_vec(),
            ];
            for row in &rows {
                table.push(
                    ["name", "namespace", "revision", "updated", "status", "chart", "app_version"]
                        .iter()
                        .map(|k| row[*k].as_str().unwrap_or_default().to_owned())
                        .collect(),
                );
            }
            Ok(render_table(&table))
        }
        other => bail!("invalid format type {other:?}"),
    }
}

fn chart_name(r: &Release) -> String {
    r.chart.as_ref().map_or_else(String::new, |c| format!("{}-{}", c.chart.metadata.name, c.chart.metadata.version))
}

fn app_version(r: &Release) -> String {
    r.chart.as_ref().map_or_else(String::new, |c| c.chart.metadata.app_version.clone())
}

fn history_output(history: &[Release], output: &str) -> Result<String> {
    let rows: Vec<(Json, Vec<String>)> = history
        .iter()
        .map(|r| {
            let info = r.info.clone().unwrap_or_default();
            let updated = info.last_deployed.to_rfc3339().unwrap_or_default();
            (
                json!({
                    "revision": r.version,
                    "updated": updated,
                    "status": info.status.as_str(),
                    "chart": chart_name(r),
                    "app_version": app_version(r),
                    "description": info.description,
                }),
                vec![
                    r.version.to_string(),
                    ansic(&info.last_deployed),
                    info.status.as_str().to_owned(),
                    chart_name(r),
                    app_version(r),
                    info.description.clone(),
                ],
            )
        })
        .collect();
    let objects: Vec<Json> = rows.iter().map(|(j, _)| j.clone()).collect();
    match output {
        "json" => Ok(serde_json::to_string(&objects)? + "\n"),
        "yaml" => json_as_yaml(&Json::Array(objects)),
        "table" => {
            let mut table = vec![
                ["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"].map(str::to_owned).to_vec(),
            ];
            table.extend(rows.into_iter().map(|(_, cells)| cells));
            Ok(render_table(&table))
        }
        other => bail!("invalid format type {other:?}"),
    }
}

/// What Helm's `statusPrinter` is asked to show besides the status.
#[derive(Default, Clone, Copy)]
struct StatusFlags {
    /// `--debug`: user-supplied and computed values, hooks and manifest.
    debug: bool,
    /// `status --show-desc`.
    show_desc: bool,
    /// `--hide-notes`.
    hide_notes: bool,
}

fn status_output(release: &Release, output: &str, flags: StatusFlags) -> Result<String> {
    let StatusFlags { debug, show_desc, hide_notes } = flags;
    // Helm 3 does not know Helm 4's `apply_method` and so never prints it.
    let release = &Release { apply_method: None, ..release.clone() };
    match output {
        "json" => return Ok(release.to_json()? + "\n"),
        "yaml" => {
            let json: Json = serde_json::from_str(&release.to_json()?)?;
            return json_as_yaml(&json);
        }
        "table" => {}
        other => bail!("invalid format type {other:?}"),
    }
    let info = release.info.clone().unwrap_or_default();
    let mut out = format!("NAME: {}\n", release.name);
    if !info.last_deployed.is_zero() {
        out.push_str(&format!("LAST DEPLOYED: {}\n", ansic(&info.last_deployed)));
    }
    out.push_str(&format!("NAMESPACE: {}\n", release.namespace));
    out.push_str(&format!("STATUS: {}\n", info.status.as_str()));
    out.push_str(&format!("REVISION: {}\n", release.version));
    if show_desc {
        out.push_str(&format!("DESCRIPTION: {}\n", info.description));
    }
    let tests: Vec<&release_storage::Hook> =
        release.hooks.iter().filter(|h| h.events.iter().any(|e| e.as_str() == "test")).collect();
    if tests.is_empty() {
        out.push_str("TEST SUITE: None\n");
    }
    for h in tests.iter().filter(|h| !h.last_run.started_at.is_zero()) {
        out.push_str(&format!(
            "TEST SUITE:     {}\nLast Started:   {}\nLast Completed: {}\nPhase:          {}\n",
            h.name,
            ansic(&h.last_run.started_at),
            ansic(&h.last_run.completed_at),
            h.last_run.phase.as_str()
        ));
    }
    if debug {
        out.push_str("USER-SUPPLIED VALUES:\n");
        out.push_str(&values_yaml(&chart_model::Value::Map(release.config.clone()))?);
        out.push('\n');
        let computed = match &release.chart {
            Some(c) => {
                chart_model::coalesce::coalesce_values(
                    &c.chart,
                    &release.config,
                    &chart_model::coalesce::CoalesceOptions::default(),
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .values
            }
            None => release.config.clone(),
        };
        out.push_str("COMPUTED VALUES:\n");
        out.push_str(&values_yaml(&chart_model::Value::Map(computed))?);
        out.push('\n');
    }
    if debug || info.description.eq_ignore_ascii_case("Dry run complete") {
        out.push_str("HOOKS:\n");
        for h in &release.hooks {
            out.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest));
        }
        out.push_str(&format!("MANIFEST:\n{}\n", release.manifest));
    }
    let notes = info.notes.trim();
    if !hide_notes && !info.notes.is_empty() {
        out.push_str(&format!("NOTES:\n{notes}\n"));
    }
    Ok(out)
}

fn json_as_yaml(json: &Json) -> Result<String> {
    let value =
        chart_model::json::from_slice(serde_json::to_string(json)?.as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?;
    chart_model::yaml::to_string(&value).map_err(|e| anyhow::anyhow!("{e}"))
}

/// gosuri/uitable as Helm uses it: a column is as wide as its widest cell line; each cell is fitted
/// to that width whole (so a multi-line cell longer than it is cut with `...`), then its lines become
/// rows of their own, the other columns blank; cells are joined by a tab.
fn render_table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).flat_map(|s| s.split('\n')).map(text_width).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<Vec<String>> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| fit(cell, widths[i]).split('\n').map(str::to_owned).collect())
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..height {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, lines)| match lines.get(line) {
                    Some(text) => fit(text, widths[i]),
                    None => " ".repeat(widths[i].max(1)),
                })
                .collect();
            out.push_str(&parts.join("\t"));
            out.push('\n');
        }
    }
    out
}

/// go-runewidth's width, for the text Helm prints: control characters take no room.
fn text_width(text: &str) -> usize {
    text.chars().filter(|c| !c.is_control()).count()
}

/// uitable's `strutil.Resize`: padded with spaces to `width`, or cut with `...` when wider.
fn fit(text: &str, width: usize) -> String {
    let len = text_width(text);
    if width == 0 || len == width {
        return text.to_owned();
    }
    if len < width {
        return format!("{text}{}", " ".repeat(width - len));
    }
    let mut out = String::new();
    let mut used = 0usize;
    for c in text.chars() {
        out.push(c);
        let w = usize::from(!c.is_control());
        if (used + w) as i64 >= width as i64 - 3 {
            break;
        }
        used += w;
    }
    out.push_str("...");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(duration("5m0s").unwrap(), Duration::from_secs(300));
        assert_eq!(duration("1h2m3s").unwrap(), Duration::from_secs(3723));
        assert_eq!(duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(duration("5x").is_err());
    }

    #[test]
    fn uitable_padding() {
        let rows = vec![vec!["NAME".to_owned(), "X".to_owned()], vec!["ab".to_owned(), "long".to_owned()]];
        assert_eq!(render_table(&rows), "NAME\tX   \nab  \tlong\n");
        // A multi-line cell: as wide as its widest line, cut whole (tabs take no room), then one row per line.
        let rows = vec![vec!["A".to_owned(), "D".to_owned()], vec!["1".to_owned(), "ab\n\tcdefgh\n".to_owned()]];
        assert_eq!(render_table(&rows), "A\tD     \n1\tab    \n \t\tc...  \n");
        let rows = vec![vec!["1".to_owned(), "abcdef\n\txyz".to_owned()]];
        assert_eq!(render_table(&rows), "1\tabc...\n");
    }
}
