//! `helmrs repo add|update|list|remove` and `helmrs search repo`, as Helm's commands print them.

use std::io::Read as _;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use helm_core::chart_source::{self, RepositoryEntry, SearchOptions};
use serde_json::json;

use crate::chart_ref::{RepoEnv, go_duration, go_json, print_stdout, render_table};

/// `helmrs repo ...`.
#[derive(Subcommand)]
pub enum RepoCommand {
    /// Add a chart repository.
    Add(AddArgs),
    /// Update information of available charts locally from chart repositories.
    #[command(alias = "up")]
    Update(UpdateArgs),
    /// List chart repositories.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Remove one or more chart repositories.
    #[command(alias = "rm")]
    Remove(RemoveArgs),
}

/// `helmrs search ...`.
#[derive(Subcommand)]
pub enum SearchCommand {
    /// Search repositories for a keyword in charts.
    Repo(SearchRepoArgs),
}

#[derive(Args)]
pub struct AddArgs {
    name: String,
    url: String,
    /// Chart repository username.
    #[arg(long = "username", default_value = "")]
    username: String,
    /// Chart repository password.
    #[arg(long = "password", default_value = "")]
    password: String,
    /// Read chart repository password from stdin.
    #[arg(long = "password-stdin")]
    password_stdin: bool,
    /// Pass credentials to all domains.
    #[arg(long = "pass-credentials")]
    pass_credentials: bool,
    /// Replace (overwrite) the repo if it already exists.
    #[arg(long = "force-update")]
    force_update: bool,
    /// Identify HTTPS client using this SSL certificate file.
    #[arg(long = "cert-file", default_value = "")]
    cert_file: String,
    /// Identify HTTPS client using this SSL key file.
    #[arg(long = "key-file", default_value = "")]
    key_file: String,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle.
    #[arg(long = "ca-file", default_value = "")]
    ca_file: String,
    /// Skip tls certificate checks for the repository.
    #[arg(long = "insecure-skip-tls-verify")]
    insecure_skip_tls_verify: bool,
    /// Allow adding official repos that have been deprecated.
    #[arg(long = "allow-deprecated-repos")]
    allow_deprecated_repos: bool,
    /// Ignored (kept for compatibility).
    #[arg(long = "no-update")]
    no_update: bool,
    /// Time to wait for the index file download to complete.
    #[arg(long = "timeout", default_value = "2m0s")]
    timeout: String,
    #[command(flatten)]
    env: RepoEnv,
}

#[derive(Args)]
pub struct UpdateArgs {
    /// Repositories to update (all by default).
    names: Vec<String>,
    /// Update fails if any of the repository updates fail.
    #[arg(long = "fail-on-repo-update-fail")]
    fail_on_repo_update_fail: bool,
    /// Time to wait for the index file download to complete.
    #[arg(long = "timeout", default_value = "2m0s")]
    timeout: String,
    #[command(flatten)]
    env: RepoEnv,
}

#[derive(Args)]
pub struct ListArgs {
    /// Prints the output in the specified format. Allowed values: table, json, yaml.
    #[arg(short = 'o', long = "output", default_value = "table")]
    output: String,
    #[command(flatten)]
    env: RepoEnv,
}

#[derive(Args)]
pub struct RemoveArgs {
    #[arg(required = true)]
    names: Vec<String>,
    #[command(flatten)]
    env: RepoEnv,
}

#[derive(Args)]
pub struct SearchRepoArgs {
    /// Keywords (joined by a space).
    keywords: Vec<String>,
    /// Use regular expressions for searching repositories you have added.
    #[arg(short = 'r', long = "regexp")]
    regexp: bool,
    /// Show the long listing, with each version of each chart on its own line.
    #[arg(short = 'l', long = "versions")]
    versions: bool,
    /// Use development versions (alpha, beta, and release candidate releases), too.
    #[arg(long = "devel")]
    devel: bool,
    /// Search using semantic versioning constraints on repositories you have added.
    #[arg(long = "version", default_value = "")]
    version: String,
    /// Maximum column width for output table.
    #[arg(long = "max-col-width", default_value_t = 50)]
    max_col_width: usize,
    /// Search fails if no results are found.
    #[arg(long = "fail-on-no-result")]
    fail_on_no_result: bool,
    /// Prints the output in the specified format. Allowed values: table, json, yaml.
    #[arg(short = 'o', long = "output", default_value = "table")]
    output: String,
    #[command(flatten)]
    env: RepoEnv,
}

/// Runs a `repo` command; what it prints on stdout.
pub fn run_repo(command: RepoCommand) -> Result<String> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        match command {
            RepoCommand::Add(a) => add(a).await,
            RepoCommand::Update(a) => update(a).await,
            RepoCommand::List(a) => list(&a),
            RepoCommand::Remove(a) => remove(&a),
        }
    })
}

/// Runs a `search` command; what it prints on stdout.
pub fn run_search(command: SearchCommand) -> Result<String> {
    match command {
        SearchCommand::Repo(a) => search_repo(&a),
    }
}

const DEPRECATED_REPOS: [(&str, &str); 2] = [
    ("//kubernetes-charts.storage.googleapis.com", "https://charts.helm.sh/stable"),
    ("//kubernetes-charts-incubator.storage.googleapis.com", "https://charts.helm.sh/incubator"),
];

async fn add(mut a: AddArgs) -> Result<String> {
    if !a.allow_deprecated_repos {
        for (old, new) in DEPRECATED_REPOS {
            if a.url.contains(old) {
                bail!("repo {:?} is no longer available; try {new:?} instead", a.url);
            }
        }
    }
    let path = a.env.repository_config();
    let mut file = a.env.repository_file()?;
    if !a.username.is_empty() && a.password.is_empty() {
        if !a.password_stdin {
            bail!("a password is needed for --username: use --password or --password-stdin");
        }
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        a.password = text.trim_end_matches('\n').trim_end_matches('\r').to_string();
    }
    let entry = RepositoryEntry {
        name: a.name.clone(),
        url: a.url.clone(),
        username: a.username,
        password: a.password,
        cert_file: a.cert_file,
        key_file: a.key_file,
        ca_file: a.ca_file,
        insecure_skip_tls_verify: a.insecure_skip_tls_verify,
        pass_credentials_all: a.pass_credentials,
    };
    if a.name.contains('/') {
        bail!("repository name ({}) contains '/', please specify a different name without '/'", a.name);
    }
    if !a.force_update
        && let Some(existing) = file.get(&a.name)
    {
        if *existing != entry {
            bail!("repository name ({}) already exists, please specify a different name", a.name);
        }
        return Ok(format!("{:?} already exists with the same configuration, skipping\n", a.name));
    }
    let mut settings = a.env.settings()?;
    settings.limits.timeout = go_duration(&a.timeout)?;
    if let Err(e) = chart_source::add_repository(&entry, &settings).await {
        bail!("looks like {:?} is not a valid chart repository or cannot be reached: {e}", a.url);
    }
    file.update(entry);
    file.write(&path)?;
    set_private(&path);
    Ok(format!("{:?} has been added to your repositories\n", a.name))
}

/// Helm writes repositories.yaml with mode 0600 (it holds passwords).
fn set_private(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

async fn update(a: UpdateArgs) -> Result<String> {
    let no_repositories = "no repositories found. You must add one before updating";
    let path = a.env.repository_config();
    if !path.exists() {
        bail!(no_repositories);
    }
    let file = a.env.repository_file()?;
    if file.repositories.is_empty() {
        bail!(no_repositories);
    }
    for name in &a.names {
        if !file.has(name) {
            bail!("no repositories found matching '{name}'.  Nothing will be updated");
        }
    }
    let entries: Vec<RepositoryEntry> =
        file.repositories.iter().filter(|e| a.names.is_empty() || a.names.contains(&e.name)).cloned().collect();
    let mut settings = a.env.settings()?;
    settings.limits.timeout = go_duration(&a.timeout)?;
    let mut out = String::from("Hang tight while we grab the latest from your chart repositories...\n");
    let mut failed = Vec::new();
    for u in chart_source::update_repositories(&entries, &settings).await {
        match u.result {
            Ok(_) => out.push_str(&format!("...Successfully got an update from the {:?} chart repository\n", u.name)),
            Err(e) => {
                out.push_str(&format!(
                    "...Unable to get an update from the {:?} chart repository ({}):\n\t{e}\n",
                    u.name, u.url
                ));
                failed.push(u.url);
            }
        }
    }
    if !failed.is_empty() && a.fail_on_repo_update_fail {
        print_stdout(&out)?;
        bail!("Failed to update the following repositories: [{}]", failed.join(" "));
    }
    out.push_str("Update Complete. \u{2388}Happy Helming!\u{2388}\n");
    Ok(out)
}

fn list(a: &ListArgs) -> Result<String> {
    let file = a.env.repository_file()?;
    let repos = &file.repositories;
    match a.output.as_str() {
        "table" => {
            if repos.is_empty() {
                bail!("no repositories to show");
            }
            let mut rows = vec![vec!["NAME".to_string(), "URL".to_string()]];
            rows.extend(repos.iter().map(|r| vec![r.name.clone(), r.url.clone()]));
            Ok(render_table(&rows, 0))
        }
        format => {
            let items: Vec<serde_json::Value> = repos.iter().map(|r| json!({"name": r.name, "url": r.url})).collect();
            encode(&serde_json::Value::Array(items), format)
        }
    }
}

/// Helm's `output.EncodeJSON` (compact, newline) or `EncodeYAML`.
fn encode(value: &serde_json::Value, format: &str) -> Result<String> {
    match format {
        "json" => Ok(go_json(value)? + "\n"),
        "yaml" => {
            let v = chart_model::json::from_slice(serde_json::to_string(value)?.as_bytes())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            chart_model::yaml::to_string(&v).map_err(|e| anyhow::anyhow!("{e}"))
        }
        other => bail!("invalid format type {other:?}"),
    }
}

fn remove(a: &RemoveArgs) -> Result<String> {
    let path = a.env.repository_config();
    let mut file = a.env.repository_file()?;
    if !path.exists() || file.repositories.is_empty() {
        bail!("no repositories configured");
    }
    let cache = a.env.repository_cache();
    let mut out = String::new();
    for name in &a.names {
        if !file.remove(name) {
            print_stdout(&out)?;
            bail!("no repo named {name:?} found");
        }
        file.write(&path)?;
        set_private(&path);
        let _ = std::fs::remove_file(cache.join(format!("{name}-charts.txt")));
        let index = cache.join(format!("{name}-index.yaml"));
        if index.exists() {
            std::fs::remove_file(&index)
                .map_err(|e| anyhow::anyhow!("can't remove index file {}: {e}", index.display()))?;
        }
        out.push_str(&format!("{name:?} has been removed from your repositories\n"));
    }
    Ok(out)
}

fn search_repo(a: &SearchRepoArgs) -> Result<String> {
    let path = a.env.repository_config();
    let settings = a.env.settings()?;
    if !path.exists() || settings.repositories.is_empty() {
        bail!("no repositories configured");
    }
    let options = SearchOptions {
        terms: a.keywords.clone(),
        regexp: a.regexp,
        versions: a.versions,
        devel: a.devel,
        version: a.version.clone(),
    };
    let found = chart_source::search_repositories(&settings, &options)?;
    for w in &found.warnings {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("WARNING: {w}");
        }
    }
    let results = found.results;
    if results.is_empty() && a.fail_on_no_result {
        bail!("no results found");
    }
    match a.output.as_str() {
        "table" => {
            if results.is_empty() {
                return Ok("No results found\n".into());
            }
            let mut rows = vec![vec![
                "NAME".to_string(),
                "CHART VERSION".to_string(),
                "APP VERSION".to_string(),
                "DESCRIPTION".to_string(),
            ]];
            for r in &results {
                let md = &r.chart.metadata;
                rows.push(vec![r.name.clone(), md.version.clone(), md.app_version.clone(), md.description.clone()]);
            }
            Ok(render_table(&rows, a.max_col_width))
        }
        format => {
            let items: Vec<serde_json::Value> = results
                .iter()
                .map(|r| {
                    let md = &r.chart.metadata;
                    json!({"name": r.name, "version": md.version, "app_version": md.app_version, "description": md.description})
                })
                .collect();
            encode(&serde_json::Value::Array(items), format)
        }
    }
}
