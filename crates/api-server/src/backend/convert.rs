//! helm-core's types to proto messages (releases, charts, progress) and request fields to helm-core options.

use base64::Engine as _;
use chart_model::{Chart, Map, Value};
use helm_core::ServerSide;
use helm_core::progress::ProgressEvent;
use release_storage::{Hook, Info, Release, Status, Time};

use crate::error::{Error, Result};
use crate::proto;
use crate::wire_time::Timestamp;

/// A release revision as the proto `Release`.
pub fn release(r: &Release) -> proto::Release {
    proto::Release {
        name: r.name.clone(),
        info: r.info.as_ref().map(info),
        chart: r.chart.as_ref().map(|c| chart(&c.chart)),
        config: values_yaml(&r.config),
        manifest: r.manifest.clone(),
        hooks: r.hooks.iter().map(hook).collect(),
        version: r.version,
        namespace: r.namespace.clone(),
    }
}

/// A release revision for listings: its chart's metadata only, no manifest, hooks or chart
/// files (a thousand releases stay a small answer; GetRelease has everything).
pub fn release_summary(r: &Release) -> proto::Release {
    proto::Release {
        name: r.name.clone(),
        info: r.info.as_ref().map(info),
        chart: r.chart.as_ref().map(|c| proto::Chart { metadata: chart(&c.chart).metadata, ..Default::default() }),
        config: values_yaml(&r.config),
        version: r.version,
        namespace: r.namespace.clone(),
        ..Default::default()
    }
}

/// A release revision as the proto `ReleaseStatus`.
pub fn release_status(r: &Release) -> proto::ReleaseStatus {
    let metadata = r.chart.as_ref().map(|c| &c.chart.metadata);
    proto::ReleaseStatus {
        name: r.name.clone(),
        namespace: r.namespace.clone(),
        version: r.version,
        info: r.info.as_ref().map(info),
        chart_name: metadata.map(|m| m.name.clone()).unwrap_or_default(),
        chart_version: metadata.map(|m| m.version.clone()).unwrap_or_default(),
        app_version: metadata.map(|m| m.app_version.clone()).unwrap_or_default(),
    }
}

fn info(i: &Info) -> proto::Info {
    proto::Info {
        first_deployed: timestamp(&i.first_deployed),
        last_deployed: timestamp(&i.last_deployed),
        deleted: timestamp(&i.deleted),
        description: i.description.clone(),
        status: i.status.as_str().to_owned(),
        notes: i.notes.clone(),
    }
}

fn timestamp(t: &Time) -> Option<Timestamp> {
    (!t.is_zero()).then(|| Timestamp::from(*t))
}

fn hook(h: &Hook) -> proto::Hook {
    proto::Hook {
        name: h.name.clone(),
        kind: h.kind.clone(),
        path: h.path.clone(),
        manifest: h.manifest.clone(),
        events: h.events.iter().map(|e| e.as_str().to_owned()).collect(),
        last_run: Some(proto::HookExecution {
            started_at: timestamp(&h.last_run.started_at),
            completed_at: timestamp(&h.last_run.completed_at),
            phase: h.last_run.phase.as_str().to_owned(),
        }),
        weight: h.weight,
        delete_policies: h.delete_policies.iter().map(|p| p.as_str().to_owned()).collect(),
    }
}

/// A chart as the proto `Chart`: metadata, templates, values as YAML, schema and files.
pub fn chart(c: &Chart) -> proto::Chart {
    let m = &c.metadata;
    proto::Chart {
        metadata: Some(proto::Metadata {
            name: m.name.clone(),
            home: m.home.clone(),
            sources: m.sources.clone(),
            version: m.version.clone(),
            description: m.description.clone(),
            keywords: m.keywords.clone(),
            maintainers: m
                .maintainers
                .iter()
                .map(|p| proto::Maintainer { name: p.name.clone(), email: p.email.clone(), url: p.url.clone() })
                .collect(),
            icon: m.icon.clone(),
            api_version: m.api_version.clone(),
            condition: m.condition.clone(),
            tags: m.tags.clone(),
            app_version: m.app_version.clone(),
            deprecated: m.deprecated,
            annotations: m.annotations.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            kube_version: m.kube_version.clone(),
            dependencies: m
                .dependencies
                .iter()
                .map(|d| proto::Dependency {
                    name: d.name.clone(),
                    version: d.version.clone(),
                    repository: d.repository.clone(),
                    condition: d.condition.clone(),
                    tags: d.tags.clone(),
                    enabled: d.enabled,
                    import_values: if d.import_values.is_empty() {
                        String::new()
                    } else {
                        chart_model::json::to_string(&Value::List(d.import_values.clone())).unwrap_or_default()
                    },
                    alias: d.alias.clone(),
                })
                .collect(),
            r#type: m.chart_type.clone(),
        }),
        templates: c.templates.iter().map(file).collect(),
        values: values_yaml(&c.values),
        schema: c.schema.as_deref().map(|s| String::from_utf8_lossy(s).into_owned()).unwrap_or_default(),
        files: c.files.iter().map(file).collect(),
    }
}

/// A chart file: UTF-8 text as is, anything else as `base64:` and its base64.
fn file(f: &chart_model::File) -> proto::File {
    let data = match std::str::from_utf8(&f.data) {
        Ok(text) => text.to_owned(),
        Err(_) => format!("base64:{}", base64::engine::general_purpose::STANDARD.encode(&f.data)),
    };
    proto::File { name: f.name.clone(), data }
}

/// Values as YAML text; no values is the empty string.
pub fn values_yaml(values: &Map) -> String {
    if values.is_empty() {
        return String::new();
    }
    chart_model::yaml::to_string(&Value::Map(values.clone())).unwrap_or_default()
}

/// The request's `values` YAML document as the user's values.
pub fn parse_values(yaml: &str) -> Result<Map> {
    chart_model::yaml::read_values(yaml.as_bytes()).map_err(|e| Error::InvalidArgument(format!("values: {e}")))
}

/// The proto's `server_side` word (checked by the service).
pub fn server_side(word: &str) -> ServerSide {
    match word {
        "true" => ServerSide::True,
        "false" => ServerSide::False,
        _ => ServerSide::Auto,
    }
}

/// A timeout in seconds; 0 is Helm's default of 300.
pub fn timeout(seconds: i64) -> std::time::Duration {
    let seconds = u64::try_from(seconds).unwrap_or(0);
    std::time::Duration::from_secs(if seconds == 0 { 300 } else { seconds })
}

/// A description: empty is none.
pub fn description(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// `ListReleaseReq.status` words as helm-core's statuses; `all` lists every status.
pub fn statuses(words: &[String]) -> Result<(bool, Vec<Status>)> {
    let mut all = false;
    let mut out = Vec::new();
    for word in words {
        match word.as_str() {
            "all" => all = true,
            "unknown" | "deployed" | "uninstalled" | "superseded" | "failed" | "uninstalling" | "pending-install"
            | "pending-upgrade" | "pending-rollback" => out.push(Status::from_word(word)),
            other => {
                return Err(Error::InvalidArgument(format!(
                    "unknown release status {:?} (deployed, failed, pending-install, pending-upgrade, \
                     pending-rollback, superseded, uninstalled, uninstalling, unknown or all)",
                    other.chars().take(40).collect::<String>()
                )));
            }
        }
    }
    Ok((all, out))
}

/// A progress event as the proto `Progress`: its `event` is the phase; `kind`, `name` and
/// `namespace` have their own fields, everything else goes to `fields`.
pub fn progress(event: ProgressEvent) -> proto::Progress {
    let mut fields = event.fields;
    let mut take = |key: &str| fields.remove(key).unwrap_or_default();
    let kind = take("kind");
    let name = take("name");
    let namespace = take("namespace");
    proto::Progress {
        time: Some(Timestamp::from(event.time)),
        phase: event.event,
        message: event.message,
        kind,
        name,
        namespace,
        fields: fields.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_keep_every_field() {
        use release_storage::{HookDeletePolicy, HookEvent, HookExecution, HookPhase, ReleaseChart};
        let mut chart = Chart::default();
        chart.metadata.name = "demo".into();
        chart.metadata.version = "1.2.3".into();
        chart.metadata.app_version = "9".into();
        chart.templates.push(chart_model::File { name: "templates/cm.yaml".into(), data: b"kind: ConfigMap".into() });
        let r = Release {
            name: "web".into(),
            namespace: "apps".into(),
            version: 3,
            chart: Some(ReleaseChart::from(chart)),
            config: parse_values("a: 1\n").unwrap(),
            manifest: "---\nkind: ConfigMap\n".into(),
            hooks: vec![Hook {
                name: "pre".into(),
                kind: "Job".into(),
                path: "demo/templates/job.yaml".into(),
                events: vec![HookEvent::PostInstall],
                delete_policies: vec![HookDeletePolicy::BeforeHookCreation],
                weight: -5,
                last_run: HookExecution {
                    started_at: Time::from_unix(1_700_000_000, 5, 0),
                    phase: HookPhase::Succeeded,
                    ..HookExecution::default()
                },
                ..Hook::default()
            }],
            info: Some(Info {
                first_deployed: Time::from_unix(1_700_000_000, 0, 3600),
                last_deployed: Time::from_unix(1_700_000_100, 42, 0),
                description: "Upgrade complete".into(),
                status: Status::Deployed,
                notes: "hi".into(),
                ..Info::default()
            }),
            ..Release::default()
        };
        let p = release(&r);
        assert_eq!((p.name.as_str(), p.namespace.as_str(), p.version), ("web", "apps", 3));
        assert_eq!(p.config, "a: 1\n");
        let info = p.info.unwrap();
        assert_eq!(
            (info.status.as_str(), info.description.as_str(), info.notes.as_str()),
            ("deployed", "Upgrade complete", "hi")
        );
        assert_eq!(info.first_deployed, Some(Timestamp { seconds: 1_700_000_000, nanos: 0 }));
        assert_eq!(info.last_deployed, Some(Timestamp { seconds: 1_700_000_100, nanos: 42 }));
        assert_eq!(info.deleted, None);
        let hook = &p.hooks[0];
        assert_eq!(
            (hook.events.as_slice(), hook.delete_policies.as_slice()),
            (&["post-install".to_owned()][..], &["before-hook-creation".to_owned()][..])
        );
        assert_eq!(hook.weight, -5);
        let run = hook.last_run.as_ref().unwrap();
        assert_eq!((run.phase.as_str(), run.completed_at), ("Succeeded", None));
        let metadata = p.chart.as_ref().unwrap().metadata.as_ref().unwrap();
        assert_eq!((metadata.name.as_str(), metadata.version.as_str()), ("demo", "1.2.3"));
        assert_eq!(p.chart.unwrap().templates[0].data, "kind: ConfigMap");
        let summary = release_summary(&r);
        assert!(summary.manifest.is_empty() && summary.hooks.is_empty());
        assert!(summary.chart.as_ref().unwrap().templates.is_empty());
        let status = release_status(&r);
        assert_eq!(
            (status.chart_name.as_str(), status.chart_version.as_str(), status.app_version.as_str()),
            ("demo", "1.2.3", "9")
        );
    }

    #[test]
    fn statuses_are_helm_words() {
        let (all, list) = statuses(&["deployed".into(), "pending-install".into()]).unwrap();
        assert!(!all);
        assert_eq!(list, vec![Status::Deployed, Status::PendingInstall]);
        assert!(statuses(&["all".into()]).unwrap().0);
        assert!(matches!(statuses(&["gone".into()]), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn values_round_trip_and_bad_yaml_is_invalid() {
        let values = parse_values("replicas: 2\nname: web\n").unwrap();
        assert_eq!(values_yaml(&values), "name: web\nreplicas: 2\n");
        assert_eq!(values_yaml(&Map::new()), "");
        assert!(matches!(parse_values("a: [1, 2"), Err(Error::InvalidArgument(_))));
        assert!(matches!(parse_values("- a\n- b\n"), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn binary_files_are_base64() {
        let f = chart_model::File { name: "x.bin".into(), data: vec![0xff, 0xfe].into() };
        assert_eq!(file(&f).data, "base64://4=");
        let f = chart_model::File { name: "x.txt".into(), data: b"hi".into() };
        assert_eq!(file(&f).data, "hi");
    }

    #[test]
    fn timeouts_default_to_helms() {
        assert_eq!(timeout(0).as_secs(), 300);
        assert_eq!(timeout(7).as_secs(), 7);
    }
}
