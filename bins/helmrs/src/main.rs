//! `helmrs`: a helm-compatible command line over helm-core. It only turns flags into options.

mod chart_ref;
mod go_time;
mod pull_cmds;
mod registry_cmds;
mod release_cmds;
mod repo_cmds;
mod show_cmds;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use helm_core::{TemplateOptions, ValuesOptions};

/// mimalloc: rendering allocates many small, short-lived values; with it a render takes about a quarter
/// less CPU than with glibc's malloc (template-render's render_chart benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "helmrs", about = "The Kubernetes package manager, in Rust")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Locally render templates, as `helm template`.
    Template(TemplateArgs),
    /// Release commands (install, upgrade, rollback, uninstall, list, history, status, get).
    #[command(flatten)]
    Release(release_cmds::ReleaseCommand),
    /// Add, list, remove, update chart repositories.
    #[command(subcommand)]
    Repo(repo_cmds::RepoCommand),
    /// Search for a keyword in charts.
    #[command(subcommand)]
    Search(repo_cmds::SearchCommand),
    /// Download a chart from a repository and (optionally) unpack it in a local directory.
    #[command(alias = "fetch")]
    Pull(pull_cmds::PullArgs),
    /// Push a chart to a remote (oci://).
    Push(pull_cmds::PushArgs),
    /// Show information of a chart.
    #[command(subcommand, alias = "inspect")]
    Show(show_cmds::ShowCommand),
    /// Login to or logout from a registry.
    #[command(subcommand)]
    Registry(registry_cmds::RegistryCommand),
}

#[derive(Args)]
struct TemplateArgs {
    /// `[NAME] CHART`: the release name (optional) and a chart folder or .tgz.
    #[arg(num_args = 1..=2, required = true)]
    args: Vec<String>,
    /// Specify values in a YAML file (can specify multiple).
    #[arg(short = 'f', long = "values")]
    values: Vec<PathBuf>,
    /// Set values on the command line (key1=val1,key2=val2).
    #[arg(long = "set")]
    set: Vec<String>,
    /// Set STRING values on the command line.
    #[arg(long = "set-string")]
    set_string: Vec<String>,
    /// Set values from files (key=path).
    #[arg(long = "set-file")]
    set_file: Vec<String>,
    /// Set JSON values on the command line.
    #[arg(long = "set-json")]
    set_json: Vec<String>,
    /// Set a literal STRING value on the command line.
    #[arg(long = "set-literal")]
    set_literal: Vec<String>,
    /// Namespace scope for this request.
    #[arg(short = 'n', long = "namespace", default_value = "default")]
    namespace: String,
    /// Kubernetes version used for Capabilities.KubeVersion.
    #[arg(long = "kube-version")]
    kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions (comma-separated, repeatable).
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    api_versions: Vec<String>,
    /// Set .Release.IsUpgrade instead of .Release.IsInstall.
    #[arg(long = "is-upgrade")]
    is_upgrade: bool,
    /// Include CRDs in the templated output.
    #[arg(long = "include-crds")]
    include_crds: bool,
    /// Skip tests from templated output.
    #[arg(long = "skip-tests")]
    skip_tests: bool,
    /// Prevent hooks from running (and being printed).
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    /// Only show manifests rendered from the given templates.
    #[arg(short = 's', long = "show-only")]
    show_only: Vec<String>,
    /// Disable JSON schema validation.
    #[arg(long = "skip-schema-validation")]
    skip_schema_validation: bool,
    /// Enable DNS lookups when rendering templates.
    #[arg(long = "enable-dns")]
    enable_dns: bool,
    /// Write the executed templates to files in this folder instead of stdout.
    #[arg(long = "output-dir")]
    output_dir: Option<PathBuf>,
    /// With --output-dir, write under a folder named after the release.
    #[arg(long = "release-name")]
    use_release_name: bool,
    /// Generate the release name (CHART-TIMESTAMP) instead of taking NAME.
    #[arg(short = 'g', long = "generate-name")]
    generate_name: bool,
    /// `json` prints engine.Render's map (template path -> text) instead of the manifest stream.
    #[arg(short = 'o', long = "output")]
    output: Option<String>,
    /// Chart location flags (`--version`, `--repo`, credentials, TLS) for `repo/chart` and `oci://` references.
    #[command(flatten)]
    chart_path: chart_ref::ChartPathArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Template(args) => template(args),
        Command::Release(command) => release_cmds::run(command),
        Command::Repo(command) => repo_cmds::run_repo(command).and_then(|out| chart_ref::print_stdout(&out)),
        Command::Search(command) => repo_cmds::run_search(command).and_then(|out| chart_ref::print_stdout(&out)),
        Command::Pull(args) => pull_cmds::run_pull(args).and_then(|out| chart_ref::print_stdout(&out)),
        Command::Push(args) => pull_cmds::run_push(args).and_then(|out| chart_ref::print_stdout(&out)),
        Command::Show(command) => show_cmds::run(command).and_then(|out| chart_ref::print_stdout(&out)),
        Command::Registry(command) => registry_cmds::run(command).and_then(|out| chart_ref::print_stdout(&out)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("Error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn template(a: TemplateArgs) -> Result<()> {
    let (name, chart_path) = match a.args.as_slice() {
        [chart] if a.generate_name => (generated_name(chart), chart.clone()),
        [chart] => ("release-name".to_owned(), chart.clone()),
        [name, chart] => (name.clone(), chart.clone()),
        _ => anyhow::bail!("expected [NAME] CHART"),
    };
    let chart = if std::path::Path::new(&chart_path).exists() {
        chart_model::load::load(std::path::Path::new(&chart_path))
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("loading chart {chart_path}"))?
    } else {
        // repo/chart, a chart URL or oci:// (helm-core's chart_source).
        a.chart_path.locate_blocking(&chart_path)?.chart
    };
    let values = ValuesOptions {
        value_files: a.values,
        json_values: a.set_json,
        values: a.set,
        string_values: a.set_string,
        file_values: a.set_file,
        literal_values: a.set_literal,
    }
    .merge_values()?;
    let options = TemplateOptions {
        release_name: name,
        namespace: a.namespace,
        kube_version: a.kube_version,
        api_versions: a.api_versions,
        is_upgrade: a.is_upgrade,
        include_crds: a.include_crds,
        skip_tests: a.skip_tests,
        no_hooks: a.no_hooks,
        show_only: a.show_only,
        skip_schema_validation: a.skip_schema_validation,
        enable_dns: a.enable_dns,
        output_dir: a.output_dir,
        use_release_name: a.use_release_name,
    };
    let out = helm_core::template(&chart, &values, &options)?;
    let mut stdout = std::io::stdout().lock();
    for path in &out.written {
        writeln!(stdout, "wrote {path}")?;
    }
    let text = match a.output.as_deref() {
        Some("json") => serde_json::to_string_pretty(&out.rendered)? + "\n",
        None | Some("") => out.text,
        Some(other) => anyhow::bail!("unknown output format {other:?}"),
    };
    stdout.write_all(text.as_bytes())?;
    Ok(())
}

/// Helm's generated name: the chart's base name up to its first dot, a dash, the Unix time.
fn generated_name(chart: &str) -> String {
    let base = std::path::Path::new(chart).file_name().and_then(|n| n.to_str()).unwrap_or("chart");
    let base = base.split('.').next().filter(|b| !b.is_empty()).unwrap_or("chart");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format!("{base}-{now}")
}
