//! Writing a release as Helm's `json.Marshal(release.Release)`: Go's field
//! order, its `omitempty` rules, base64 for bytes, and Go's values encoding.

use chart_model::chart::{Dependency, Lock, Metadata};
use chart_model::{File, Map, Value};

use crate::error::{Error, Result};
use crate::hook::Hook;
use crate::release::{Info, Release, ReleaseChart};
use crate::time::Time;

/// See [`Release::to_json`].
pub(crate) fn write_release(r: &Release) -> Result<String> {
    let mut out = String::with_capacity(1024 + r.manifest.len());
    let mut o = Obj::open(&mut out);
    if !r.name.is_empty() {
        o.str("name", &r.name);
    }
    if let Some(info) = &r.info {
        write_info(o.key("info"), info)?;
    }
    if let Some(chart) = &r.chart {
        write_chart(o.key("chart"), chart)?;
    }
    if !r.config.is_empty() {
        write_map(o.key("config"), &r.config)?;
    }
    if !r.manifest.is_empty() {
        o.str("manifest", &r.manifest);
    }
    if !r.hooks.is_empty() {
        let out = o.key("hooks");
        out.push('[');
        for (i, h) in r.hooks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_hook(out, h)?;
        }
        out.push(']');
    }
    if r.version != 0 {
        o.raw("version", &r.version.to_string());
    }
    if !r.namespace.is_empty() {
        o.str("namespace", &r.namespace);
    }
    if let Some(method) = r.apply_method {
        o.str("apply_method", method.as_str());
    }
    o.close();
    Ok(out)
}

fn write_info(out: &mut String, info: &Info) -> Result<()> {
    let mut o = Obj::open(out);
    o.time("first_deployed", &info.first_deployed)?;
    o.time("last_deployed", &info.last_deployed)?;
    o.time("deleted", &info.deleted)?;
    if !info.description.is_empty() {
        o.str("description", &info.description);
    }
    if !info.status.as_str().is_empty() {
        o.str("status", info.status.as_str());
    }
    if !info.notes.is_empty() {
        o.str("notes", &info.notes);
    }
    if !info.resources.is_empty() {
        let out = o.key("resources");
        out.push('{');
        for (i, (kind, objects)) in info.resources.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(out, kind);
            out.push_str(":[");
            out.push_str(&objects.join(","));
            out.push(']');
        }
        out.push('}');
    }
    o.close();
    Ok(())
}

fn write_hook(out: &mut String, h: &Hook) -> Result<()> {
    let mut o = Obj::open(out);
    for (key, v) in [("name", &h.name), ("kind", &h.kind), ("path", &h.path), ("manifest", &h.manifest)] {
        if !v.is_empty() {
            o.str(key, v);
        }
    }
    if !h.events.is_empty() {
        o.strs("events", h.events.iter().map(|e| e.as_str()));
    }
    {
        let mut run = Obj::open(o.key("last_run"));
        run.time("started_at", &h.last_run.started_at)?;
        run.time("completed_at", &h.last_run.completed_at)?;
        run.str("phase", h.last_run.phase.as_str());
        run.close();
    }
    if h.weight != 0 {
        o.raw("weight", &h.weight.to_string());
    }
    if !h.delete_policies.is_empty() {
        o.strs("delete_policies", h.delete_policies.iter().map(|p| p.as_str()));
    }
    if !h.output_log_policies.is_empty() {
        o.strs("output_log_policies", h.output_log_policies.iter().map(|p| p.as_str()));
    }
    o.close();
    Ok(())
}

fn write_chart(out: &mut String, rc: &ReleaseChart) -> Result<()> {
    let c = &rc.chart;
    let mut o = Obj::open(out);
    write_metadata(o.key("metadata"), &c.metadata)?;
    match &c.lock {
        Some(lock) => write_lock(o.key("lock"), lock, rc.lock_dependencies_listed)?,
        None => o.raw("lock", "null"),
    }
    write_files(o.key("templates"), &c.templates);
    if c.values.is_empty() && rc.values_is_null {
        o.raw("values", "null");
    } else {
        write_map(o.key("values"), &c.values)?;
    }
    match &c.schema {
        Some(schema) => o.raw("schema", &format!("\"{}\"", crate::codec::base64_encode(schema))),
        None => o.raw("schema", "null"),
    }
    write_files(o.key("files"), &c.files);
    o.close();
    Ok(())
}

/// `[]*chart.File`: Helm's loader leaves a nil slice when there are none, written `null`.
fn write_files(out: &mut String, files: &[File]) {
    if files.is_empty() {
        out.push_str("null");
        return;
    }
    out.push('[');
    for (i, f) in files.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = Obj::open(out);
        o.str("name", &f.name);
        o.raw("data", &format!("\"{}\"", crate::codec::base64_encode(&f.data)));
        o.close();
    }
    out.push(']');
}

fn write_metadata(out: &mut String, m: &Metadata) -> Result<()> {
    let mut o = Obj::open(out);
    o.str_nonempty("name", &m.name);
    o.str_nonempty("home", &m.home);
    if !m.sources.is_empty() {
        o.strs("sources", m.sources.iter().map(String::as_str));
    }
    o.str_nonempty("version", &m.version);
    o.str_nonempty("description", &m.description);
    if !m.keywords.is_empty() {
        o.strs("keywords", m.keywords.iter().map(String::as_str));
    }
    if !m.maintainers.is_empty() {
        let out = o.key("maintainers");
        out.push('[');
        for (i, mt) in m.maintainers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut mo = Obj::open(out);
            mo.str_nonempty("name", &mt.name);
            mo.str_nonempty("email", &mt.email);
            mo.str_nonempty("url", &mt.url);
            mo.close();
        }
        out.push(']');
    }
    o.str_nonempty("icon", &m.icon);
    o.str_nonempty("apiVersion", &m.api_version);
    o.str_nonempty("condition", &m.condition);
    o.str_nonempty("tags", &m.tags);
    o.str_nonempty("appVersion", &m.app_version);
    if m.deprecated {
        o.raw("deprecated", "true");
    }
    if !m.annotations.is_empty() {
        let map: Map = m.annotations.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        write_map(o.key("annotations"), &map)?;
    }
    o.str_nonempty("kubeVersion", &m.kube_version);
    if !m.dependencies.is_empty() {
        write_dependencies(o.key("dependencies"), &m.dependencies)?;
    }
    o.str_nonempty("type", &m.chart_type);
    o.close();
    Ok(())
}

fn write_dependencies(out: &mut String, deps: &[Dependency]) -> Result<()> {
    out.push('[');
    for (i, d) in deps.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = Obj::open(out);
        o.str("name", &d.name);
        o.str_nonempty("version", &d.version);
        o.str("repository", &d.repository);
        o.str_nonempty("condition", &d.condition);
        if !d.tags.is_empty() {
            o.strs("tags", d.tags.iter().map(String::as_str));
        }
        if d.enabled {
            o.raw("enabled", "true");
        }
        if !d.import_values.is_empty() {
            o.value("import-values", &Value::List(d.import_values.clone()))?;
        }
        o.str_nonempty("alias", &d.alias);
        o.close();
    }
    out.push(']');
    Ok(())
}

fn write_lock(out: &mut String, lock: &Lock, listed: bool) -> Result<()> {
    let mut o = Obj::open(out);
    // chart-model keeps `generated` in the text Go writes (the zero time included).
    o.str("generated", &lock.generated);
    o.str("digest", &lock.digest);
    if lock.dependencies.is_empty() {
        o.raw("dependencies", if listed { "[]" } else { "null" });
    } else {
        write_dependencies(o.key("dependencies"), &lock.dependencies)?;
    }
    o.close();
    Ok(())
}

fn write_map(out: &mut String, map: &Map) -> Result<()> {
    write_value(out, &Value::Map(map.clone()))
}

fn write_value(out: &mut String, v: &Value) -> Result<()> {
    let text = chart_model::json::to_string(v).map_err(|e| Error::Encode(e.to_string()))?;
    out.push_str(&text);
    Ok(())
}

/// Appends a string as `json.Marshal` writes it (HTML-safe escapes included).
pub(crate) fn push_str(out: &mut String, s: &str) {
    match chart_model::json::to_string(&Value::String(s.to_owned())) {
        Ok(text) => out.push_str(&text),
        // Strings always encode; this arm only keeps the function total.
        Err(_) => out.push_str("\"\""),
    }
}

/// A JSON object being written: keys are ASCII literals that need no escaping.
struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    fn open(out: &'a mut String) -> Self {
        out.push('{');
        Obj { out, first: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !std::mem::replace(&mut self.first, false) {
            self.out.push(',');
        }
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
        self.out
    }

    fn raw(&mut self, key: &str, text: &str) {
        self.key(key).push_str(text);
    }

    fn str(&mut self, key: &str, s: &str) {
        push_str(self.key(key), s);
    }

    fn str_nonempty(&mut self, key: &str, s: &str) {
        if !s.is_empty() {
            self.str(key, s);
        }
    }

    fn strs<'s>(&mut self, key: &str, items: impl Iterator<Item = &'s str>) {
        let out = self.key(key);
        out.push('[');
        for (i, s) in items.enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(out, s);
        }
        out.push(']');
    }

    fn value(&mut self, key: &str, v: &Value) -> Result<()> {
        write_value(self.key(key), v)
    }

    /// A Helm `time.Time`: the zero time is `""`.
    fn time(&mut self, key: &str, t: &Time) -> Result<()> {
        if t.is_zero() {
            self.raw(key, "\"\"");
            return Ok(());
        }
        let text = t
            .to_rfc3339()
            .map_err(|e| Error::Encode(format!("json: error calling MarshalJSON for type time.Time: {e}")))?;
        self.raw(key, &format!("\"{text}\""));
        Ok(())
    }

    fn close(self) {
        self.out.push('}');
    }
}
