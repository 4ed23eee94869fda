//! A realistic repository index, generated: block YAML as Helm writes it
//! (sorted keys, sequences at their key's indentation, long descriptions
//! folded at 80 columns, `|-` blocks for multi-line annotations).

#![allow(clippy::manual_is_multiple_of, clippy::format_in_format_args)]
use std::fmt::Write as _;

/// An index of `charts` charts with `versions` versions each.
pub fn index_yaml(charts: usize, versions: usize) -> String {
    let mut out = String::with_capacity(charts * versions * 1300);
    out.push_str("apiVersion: v1\nentries:\n");
    for c in 0..charts {
        let name = format!("chart-{c:04}");
        let _ = writeln!(out, "  {name}:");
        for v in (0..versions).rev() {
            let version = format!("{}.{}.{}", v / 20, (v / 5) % 4, v % 5);
            let version = if v % 17 == 3 { format!("{version}-rc.{}", v % 3) } else { version };
            entry(&mut out, &name, &version, c, v);
        }
    }
    out.push_str("generated: \"2024-06-01T10:11:12.123456789Z\"\n");
    out
}

fn entry(out: &mut String, name: &str, version: &str, c: usize, v: usize) {
    let _ = write!(
        out,
        "  - annotations:\n      artifacthub.io/changes: |-\n        - kind: changed\n          description: Upgrade {name} to {version}\n        - kind: fixed\n          description: Fix probe timeouts\n      artifacthub.io/license: Apache-2.0\n      category: {cat}\n    apiVersion: v2\n    appVersion: {app}\n    created: \"2024-0{m}-1{d}T0{h}:15:30.{ns:09}Z\"\n",
        cat = ["Database", "Networking", "Monitoring", "Security"][c % 4],
        app = if v % 3 == 0 {
            format!("\"{}.{}\"", 1 + v / 10, v % 10)
        } else {
            format!("{}.{}.{}", 2 + c % 7, v % 13, v % 5)
        },
        m = 1 + v % 9,
        d = v % 10,
        h = v % 10,
        ns = (c * 7919 + v * 104_729) % 1_000_000_000,
    );
    if v % 2 == 0 {
        let _ = write!(
            out,
            "    dependencies:\n    - condition: postgresql.enabled\n      name: postgresql\n      repository: oci://registry.example.com/charts\n      version: 15.x.x\n    - name: common\n      repository: https://charts.example.com/common\n      tags:\n      - shared-{c}\n      version: ~2.{}.0\n",
            v % 9
        );
    }
    let _ = write!(
        out,
        "    description: {name} is a {kind} chart that deploys the service with sensible defaults,\n      persistence, metrics and network policies for production clusters\n    digest: 3f{digest:062x}\n    home: https://example.com/charts/{name}\n    icon: https://example.com/icons/{name}.svg\n    keywords:\n    - {kw1}\n    - {kw2}\n    - helm\n    kubeVersion: '>=1.23.0-0'\n    maintainers:\n    - email: maintainers@example.com\n      name: Example Maintainers\n      url: https://example.com/team\n    name: {name}\n    sources:\n    - https://github.com/example/charts/tree/main/charts/{name}\n    - https://example.com/src/{name}\n    type: application\n    urls:\n    - {url}\n    version: {version}\n",
        kind = ["database", "web", "monitoring", "security"][c % 4],
        digest = (c as u128) * 1_000_003 + (v as u128) * 7_777_777,
        kw1 = ["sql", "http", "metrics", "auth"][c % 4],
        kw2 = format!("tag{}", c % 11),
        url = if v % 4 == 0 {
            format!("https://charts.example.com/{name}-{version}.tgz")
        } else {
            format!("{name}-{version}.tgz")
        },
    );
    if v % 29 == 7 {
        out.push_str("    deprecated: true\n");
    }
}
