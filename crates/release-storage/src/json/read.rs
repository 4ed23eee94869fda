//! Reading a release as Helm's `json.Unmarshal` into `release.Release`.
//!
//! The document is first read as Go reads JSON into `interface{}` (chart-model's
//! reader: every number a `float64`, the last of repeated keys kept), which is
//! exactly what Go does for the values maps; the struct fields are then taken
//! from that tree with Go's rules: a key matches its field exactly or else
//! case-insensitively, unknown keys are ignored, `null` leaves a field alone.

use std::collections::BTreeMap;

use chart_model::chart::{Dependency, Lock, Maintainer, Metadata};
use chart_model::{Chart, File, Map, Value};

use crate::error::{Error, Result};
use crate::hook::{Hook, HookDeletePolicy, HookEvent, HookExecution, HookOutputLogPolicy, HookPhase};
use crate::release::{ApplyMethod, Info, Release, ReleaseChart};
use crate::status::Status;
use crate::time::Time;

/// See [`Release::from_json`].
pub(crate) fn read_release(data: &[u8]) -> Result<Release> {
    let tree = chart_model::json::from_slice(data).map_err(|e| Error::Decode(e.to_string()))?;
    let mut r = Release::default();
    let Some(map) = object(&tree, "Release", "release.Release")? else {
        return Ok(r);
    };
    let f = Fields { map, strukt: "Release" };
    if let Some(v) = f.get("name") {
        r.name = string(v, "Release.name")?;
    }
    if let Some(v) = f.get("info") {
        r.info = match object(v, "Release.info", "release.Info")? {
            Some(m) => Some(read_info(m)?),
            None => None,
        };
    }
    if let Some(v) = f.get("chart") {
        r.chart = match object(v, "Release.chart", "chart.Chart")? {
            Some(m) => Some(read_chart(m)?),
            None => None,
        };
    }
    if let Some(v) = f.get("config") {
        // Go decodes into the existing map; `null` makes it nil.
        r.config = match v {
            Value::Null => Map::new(),
            Value::Map(m) => m.clone(),
            other => return Err(mismatch(other, "Release.config", "map[string]interface {}")),
        };
    }
    if let Some(v) = f.get("manifest") {
        r.manifest = string(v, "Release.manifest")?;
    }
    if let Some(v) = f.get("hooks") {
        r.hooks = list(v, "Release.hooks", "[]*release.Hook")?
            .iter()
            .map(|h| match object(h, "Release.hooks", "release.Hook")? {
                Some(m) => read_hook(m),
                None => Ok(Hook::default()),
            })
            .collect::<Result<_>>()?;
    }
    if let Some(v) = f.get("version") {
        r.version = int(v, "Release.version")?;
    }
    if let Some(v) = f.get("namespace") {
        r.namespace = string(v, "Release.namespace")?;
    }
    if let Some(v) = f.get("apply_method") {
        let text = string(v, "Release.apply_method")?;
        r.apply_method = match text.as_str() {
            "" => None,
            other => Some(ApplyMethod::parse(other).ok_or_else(|| {
                Error::Decode(format!("Release.apply_method: unknown apply method {other:?} (want \"csa\" or \"ssa\")"))
            })?),
        };
    }
    Ok(r)
}

fn read_info(map: &Map) -> Result<Info> {
    let f = Fields { map, strukt: "Release.info" };
    let mut info = Info { status: Status::Other(String::new()), ..Info::default() };
    if let Some(v) = f.get("first_deployed") {
        info.first_deployed = helm_time(v, "Release.info.first_deployed")?;
    }
    if let Some(v) = f.get("last_deployed") {
        info.last_deployed = helm_time(v, "Release.info.last_deployed")?;
    }
    if let Some(v) = f.get("deleted") {
        info.deleted = helm_time(v, "Release.info.deleted")?;
    }
    if let Some(v) = f.get("description") {
        info.description = string(v, "Release.info.description")?;
    }
    if let Some(v) = f.get("status")
        && !v.is_null()
    {
        info.status = Status::from_word(&string(v, "Release.info.status")?);
    }
    if let Some(v) = f.get("notes") {
        info.notes = string(v, "Release.info.notes")?;
    }
    if let Some(v) = f.get("resources") {
        match v {
            Value::Null => {}
            Value::Map(m)
                if m.values().all(|l| matches!(l, Value::Null) || matches!(l, Value::List(x) if x.is_empty())) =>
            {
                info.resources = m.keys().map(|k| (k.clone(), Vec::new())).collect::<BTreeMap<_, _>>();
            }
            _ => {
                // Go cannot decode into the runtime.Object interface.
                return Err(Error::Decode(
                    "json: cannot unmarshal object into Go struct field Info.info.resources of type runtime.Object"
                        .into(),
                ));
            }
        }
    }
    Ok(info)
}

fn read_hook(map: &Map) -> Result<Hook> {
    let f = Fields { map, strukt: "Release.hooks" };
    let mut h = Hook::default();
    for (key, slot) in
        [("name", &mut h.name), ("kind", &mut h.kind), ("path", &mut h.path), ("manifest", &mut h.manifest)]
    {
        if let Some(v) = f.get(key) {
            *slot = string(v, &format!("Release.hooks.{key}"))?;
        }
    }
    if let Some(v) = f.get("events") {
        h.events = strings(v, "Release.hooks.events")?.iter().map(|s| HookEvent::from_word(s)).collect();
    }
    if let Some(v) = f.get("last_run")
        && let Some(m) = object(v, "Release.hooks.last_run", "release.HookExecution")?
    {
        let run = Fields { map: m, strukt: "Release.hooks.last_run" };
        let mut exec = HookExecution::default();
        if let Some(v) = run.get("started_at") {
            exec.started_at = helm_time(v, "Release.hooks.last_run.started_at")?;
        }
        if let Some(v) = run.get("completed_at") {
            exec.completed_at = helm_time(v, "Release.hooks.last_run.completed_at")?;
        }
        if let Some(v) = run.get("phase")
            && !v.is_null()
        {
            exec.phase = HookPhase::from_word(&string(v, "Release.hooks.last_run.phase")?);
        }
        h.last_run = exec;
    }
    if let Some(v) = f.get("weight") {
        h.weight = int(v, "Release.hooks.weight")?;
    }
    if let Some(v) = f.get("delete_policies") {
        h.delete_policies =
            strings(v, "Release.hooks.delete_policies")?.iter().map(|s| HookDeletePolicy::from_word(s)).collect();
    }
    if let Some(v) = f.get("output_log_policies") {
        h.output_log_policies = strings(v, "Release.hooks.output_log_policies")?
            .iter()
            .map(|s| HookOutputLogPolicy::from_word(s))
            .collect();
    }
    Ok(h)
}

fn read_chart(map: &Map) -> Result<ReleaseChart> {
    let f = Fields { map, strukt: "Release.chart" };
    let mut c = Chart::default();
    let mut values_is_null = true;
    let mut lock_dependencies_listed = false;
    if let Some(v) = f.get("metadata")
        && let Some(m) = object(v, "Release.chart.metadata", "chart.Metadata")?
    {
        c.metadata = read_metadata(m)?;
    }
    if let Some(v) = f.get("lock")
        && let Some(m) = object(v, "Release.chart.lock", "chart.Lock")?
    {
        let lock = read_lock(m)?;
        lock_dependencies_listed = lock.dependencies.is_empty()
            && matches!(Fields { map: m, strukt: "" }.get("dependencies"), Some(Value::List(_)));
        c.lock = Some(lock);
    }
    if let Some(v) = f.get("templates") {
        c.templates = files(v, "Release.chart.templates")?;
    }
    if let Some(v) = f.get("values") {
        match v {
            Value::Null => {}
            Value::Map(m) => {
                c.values = m.clone();
                values_is_null = false;
            }
            other => return Err(mismatch(other, "Release.chart.values", "map[string]interface {}")),
        }
    }
    if let Some(v) = f.get("schema") {
        c.schema = bytes(v, "Release.chart.schema")?;
    }
    if let Some(v) = f.get("files") {
        c.files = files(v, "Release.chart.files")?;
    }
    Ok(ReleaseChart { chart: c, values_is_null, lock_dependencies_listed })
}

fn read_metadata(map: &Map) -> Result<Metadata> {
    let f = Fields { map, strukt: "Release.chart.metadata" };
    let mut m = Metadata::default();
    let path = |k: &str| format!("Release.chart.metadata.{k}");
    for (key, slot) in [
        ("name", &mut m.name),
        ("home", &mut m.home),
        ("version", &mut m.version),
        ("description", &mut m.description),
        ("icon", &mut m.icon),
        ("apiVersion", &mut m.api_version),
        ("condition", &mut m.condition),
        ("tags", &mut m.tags),
        ("appVersion", &mut m.app_version),
        ("kubeVersion", &mut m.kube_version),
        ("type", &mut m.chart_type),
    ] {
        if let Some(v) = f.get(key) {
            *slot = string(v, &path(key))?;
        }
    }
    if let Some(v) = f.get("sources") {
        m.sources = strings(v, &path("sources"))?;
    }
    if let Some(v) = f.get("keywords") {
        m.keywords = strings(v, &path("keywords"))?;
    }
    if let Some(v) = f.get("deprecated") {
        m.deprecated = boolean(v, &path("deprecated"))?;
    }
    if let Some(v) = f.get("maintainers") {
        let mut out = Vec::new();
        for item in list(v, &path("maintainers"), "[]*chart.Maintainer")? {
            let mut mt = Maintainer::default();
            if let Some(mm) = object(item, &path("maintainers"), "chart.Maintainer")? {
                let mf = Fields { map: mm, strukt: "Release.chart.metadata.maintainers" };
                for (key, slot) in [("name", &mut mt.name), ("email", &mut mt.email), ("url", &mut mt.url)] {
                    if let Some(v) = mf.get(key) {
                        *slot = string(v, &path(&format!("maintainers.{key}")))?;
                    }
                }
            }
            out.push(mt);
        }
        m.maintainers = out;
    }
    if let Some(v) = f.get("annotations") {
        match v {
            Value::Null => {}
            Value::Map(a) => {
                for (k, val) in a {
                    m.annotations.insert(k.clone(), string(val, &path("annotations"))?);
                }
            }
            other => return Err(mismatch(other, &path("annotations"), "map[string]string")),
        }
    }
    if let Some(v) = f.get("dependencies") {
        m.dependencies = dependencies(v, "Release.chart.metadata.dependencies")?;
    }
    Ok(m)
}

fn read_lock(map: &Map) -> Result<Lock> {
    let f = Fields { map, strukt: "Release.chart.lock" };
    let mut lock = Lock { generated: "0001-01-01T00:00:00Z".to_owned(), ..Lock::default() };
    if let Some(v) = f.get("generated") {
        match v {
            Value::Null => {}
            Value::String(s) => {
                // The standard library's time: the zero time is written as a date, not "".
                let t = Time::parse_rfc3339(s).map_err(Error::Decode)?;
                lock.generated = t.to_rfc3339().map_err(Error::Decode)?;
            }
            other => return Err(mismatch(other, "Release.chart.lock.generated", "time.Time")),
        }
    }
    if let Some(v) = f.get("digest") {
        lock.digest = string(v, "Release.chart.lock.digest")?;
    }
    if let Some(v) = f.get("dependencies") {
        lock.dependencies = dependencies(v, "Release.chart.lock.dependencies")?;
    }
    Ok(lock)
}

fn dependencies(v: &Value, at: &str) -> Result<Vec<Dependency>> {
    let mut out = Vec::new();
    for item in list(v, at, "[]*chart.Dependency")? {
        let mut d = Dependency::default();
        if let Some(m) = object(item, at, "chart.Dependency")? {
            let f = Fields { map: m, strukt: at };
            for (key, slot) in [
                ("name", &mut d.name),
                ("version", &mut d.version),
                ("repository", &mut d.repository),
                ("condition", &mut d.condition),
                ("alias", &mut d.alias),
            ] {
                if let Some(v) = f.get(key) {
                    *slot = string(v, &format!("{at}.{key}"))?;
                }
            }
            if let Some(v) = f.get("tags") {
                d.tags = strings(v, &format!("{at}.tags"))?;
            }
            if let Some(v) = f.get("enabled") {
                d.enabled = boolean(v, &format!("{at}.enabled"))?;
            }
            if let Some(v) = f.get("import-values") {
                d.import_values = list(v, &format!("{at}.import-values"), "[]interface {}")?.to_vec();
            }
        }
        out.push(d);
    }
    Ok(out)
}

fn files(v: &Value, at: &str) -> Result<Vec<File>> {
    let mut out = Vec::new();
    for item in list(v, at, "[]*chart.File")? {
        let mut file = File::default();
        if let Some(m) = object(item, at, "chart.File")? {
            let f = Fields { map: m, strukt: at };
            if let Some(v) = f.get("name") {
                file.name = string(v, &format!("{at}.name"))?;
            }
            if let Some(v) = f.get("data") {
                file.data = bytes(v, &format!("{at}.data"))?.unwrap_or_default().into();
            }
        }
        out.push(file);
    }
    Ok(out)
}

/// The fields of a Go struct being decoded.
struct Fields<'a> {
    map: &'a Map,
    strukt: &'a str,
}

impl Fields<'_> {
    /// The value for a field: the exact key, or else a key equal to it ignoring case, as Go matches.
    fn get(&self, name: &str) -> Option<&Value> {
        let _ = self.strukt;
        self.map.get(name).or_else(|| self.map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Float64(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

fn mismatch(v: &Value, at: &str, go_type: &str) -> Error {
    Error::Decode(format!("json: cannot unmarshal {} into Go struct field {at} of type {go_type}", kind(v)))
}

fn object<'a>(v: &'a Value, at: &str, go_type: &str) -> Result<Option<&'a Map>> {
    match v {
        Value::Null => Ok(None),
        Value::Map(m) => Ok(Some(m)),
        other if at == "Release" => {
            Err(Error::Decode(format!("json: cannot unmarshal {} into Go value of type {go_type}", kind(other))))
        }
        other => Err(mismatch(other, at, go_type)),
    }
}

fn list<'a>(v: &'a Value, at: &str, go_type: &str) -> Result<&'a [Value]> {
    match v {
        Value::Null => Ok(&[]),
        Value::List(l) => Ok(l),
        other => Err(mismatch(other, at, go_type)),
    }
}

fn string(v: &Value, at: &str) -> Result<String> {
    match v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        other => Err(mismatch(other, at, "string")),
    }
}

fn strings(v: &Value, at: &str) -> Result<Vec<String>> {
    list(v, at, "[]string")?.iter().map(|s| string(s, at)).collect()
}

fn boolean(v: &Value, at: &str) -> Result<bool> {
    match v {
        Value::Null => Ok(false),
        Value::Bool(b) => Ok(*b),
        other => Err(mismatch(other, at, "bool")),
    }
}

fn int(v: &Value, at: &str) -> Result<i64> {
    match v {
        Value::Null => Ok(0),
        Value::Int(n) | Value::Int64(n) => Ok(*n),
        Value::Float64(f) if f.fract() == 0.0 && *f >= -9.223_372_036_854_776e18 && *f < 9.223_372_036_854_776e18 => {
            Ok(*f as i64)
        }
        Value::Float64(f) => {
            Err(Error::Decode(format!("json: cannot unmarshal number {f} into Go struct field {at} of type int")))
        }
        other => Err(mismatch(other, at, "int")),
    }
}

/// `[]byte`: base64 text, or `null` (nil).
fn bytes(v: &Value, at: &str) -> Result<Option<Vec<u8>>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => crate::codec::base64_decode(s).map(Some),
        other => Err(mismatch(other, at, "[]uint8")),
    }
}

/// Helm's `time.Time`: `""` and `null` are the zero time.
fn helm_time(v: &Value, at: &str) -> Result<Time> {
    match v {
        Value::Null => Ok(Time::ZERO),
        Value::String(s) if s.is_empty() => Ok(Time::ZERO),
        Value::String(s) => Time::parse_rfc3339(s).map_err(Error::Decode),
        other => Err(mismatch(other, at, "time.Time")),
    }
}
