//! `helm show chart|values|readme|crds|all`: what Helm's `action.Show` prints about a chart.

use chart_model::{Chart, Metadata};

use crate::error::{Error, Result};

/// Which part of the chart to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowFormat {
    /// Chart.yaml, values, README and CRDs, separated by `---`.
    All,
    /// The chart's metadata (Chart.yaml as Helm re-encodes it).
    Chart,
    /// values.yaml as written in the chart.
    Values,
    /// The README (README.md, README.txt or README, any case).
    Readme,
    /// The CRDs of the chart and its subcharts.
    Crds,
}

/// The text `helm show` prints for `chart`.
pub fn show(chart: &Chart, format: ShowFormat) -> Result<String> {
    let mut out = String::new();
    if matches!(format, ShowFormat::Chart | ShowFormat::All) {
        out.push_str(&metadata_yaml(&chart.metadata)?);
        out.push('\n');
    }
    let values_file = chart.raw.iter().find(|f| f.name == "values.yaml");
    if matches!(format, ShowFormat::Values | ShowFormat::All)
        && let Some(f) = values_file
    {
        if format == ShowFormat::All {
            out.push_str("---\n");
        }
        out.push_str(&String::from_utf8_lossy(&f.data));
        out.push('\n');
    }
    if matches!(format, ShowFormat::Readme | ShowFormat::All)
        && let Some(readme) = find_readme(chart)
    {
        if format == ShowFormat::All {
            out.push_str("---\n");
        }
        out.push_str(&String::from_utf8_lossy(&readme.data));
        out.push('\n');
    }
    if matches!(format, ShowFormat::Crds | ShowFormat::All) {
        let crds = crd_objects(chart);
        if let Some(first) = crds.first()
            && format == ShowFormat::All
            && !first.data.starts_with(b"---")
        {
            out.push_str("---\n");
        }
        for crd in crds {
            out.push_str(&String::from_utf8_lossy(&crd.data));
            out.push('\n');
        }
    }
    Ok(out)
}

/// Chart.yaml as Helm's `yaml.Marshal(chart.Metadata)`: JSON field names, empty fields left out, keys sorted.
pub fn metadata_yaml(md: &Metadata) -> Result<String> {
    chart_model::yaml::to_string(&chart_model::package::metadata_value(md, true))
        .map_err(|e| Error::Chart(e.to_string()))
}

/// Helm's `findReadme`: the first file (in chart order) named readme.md, readme.txt or readme, any case.
fn find_readme(chart: &Chart) -> Option<&chart_model::File> {
    chart.files.iter().find(|f| ["readme.md", "readme.txt", "readme"].iter().any(|n| f.name.eq_ignore_ascii_case(n)))
}

/// Helm's `CRDObjects`: the chart's crds/ files, then each subchart's.
fn crd_objects(chart: &Chart) -> Vec<&chart_model::File> {
    let mut out: Vec<&chart_model::File> = chart.crd_files().collect();
    for dep in &chart.dependencies {
        out.extend(crd_objects(dep));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn all_sections_in_helm_order() {
        let mut chart = Chart::default();
        chart.metadata.name = "demo".into();
        chart.metadata.version = "1.0.0".into();
        chart.metadata.api_version = "v2".into();
        chart.raw.push(chart_model::File { name: "values.yaml".into(), data: b"a: 1\n".into() });
        chart.files.push(chart_model::File { name: "README.md".into(), data: b"# Demo".into() });
        chart.files.push(chart_model::File { name: "crds/a.yaml".into(), data: b"kind: CRD".into() });
        assert_eq!(
            show(&chart, ShowFormat::All).unwrap(),
            "apiVersion: v2\nname: demo\nversion: 1.0.0\n\n---\na: 1\n\n---\n# Demo\n---\nkind: CRD\n"
        );
        assert_eq!(show(&chart, ShowFormat::Values).unwrap(), "a: 1\n\n");
        assert_eq!(show(&chart, ShowFormat::Readme).unwrap(), "# Demo\n");
    }
}
