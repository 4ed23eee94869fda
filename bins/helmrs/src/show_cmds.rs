//! `helmrs show chart|values|readme|crds|all CHART`: a chart's information, as `helm show`.

use anyhow::Result;
use clap::{Args, Subcommand};
use helm_core::show::{ShowFormat, show};

use crate::chart_ref::ChartPathArgs;

/// `helmrs show ...`.
#[derive(Subcommand)]
pub enum ShowCommand {
    /// Show all information of the chart.
    All(ShowArgs),
    /// Show the chart's definition.
    Chart(ShowArgs),
    /// Show the chart's values.
    Values(ShowArgs),
    /// Show the chart's README.
    Readme(ShowArgs),
    /// Show the chart's CRDs.
    Crds(ShowArgs),
}

#[derive(Args)]
pub struct ShowArgs {
    /// `[CHART]`: a chart folder or archive, `repo/chart`, a chart URL or `oci://...`.
    chart: String,
    #[command(flatten)]
    chart_path: ChartPathArgs,
}

/// Runs `show`; what it prints on stdout.
pub fn run(command: ShowCommand) -> Result<String> {
    let (format, args) = match command {
        ShowCommand::All(a) => (ShowFormat::All, a),
        ShowCommand::Chart(a) => (ShowFormat::Chart, a),
        ShowCommand::Values(a) => (ShowFormat::Values, a),
        ShowCommand::Readme(a) => (ShowFormat::Readme, a),
        ShowCommand::Crds(a) => (ShowFormat::Crds, a),
    };
    let located = args.chart_path.locate_blocking(&args.chart)?;
    Ok(show(&located.chart, format)?)
}
