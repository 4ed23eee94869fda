//! `cargo xtask codegen [--check]`: the Rust code, docs/api.md and docs/openapi.json from protos/.
//!
//! protox compiles the protos (no protoc), tonic-prost-build writes the
//! messages, client and server, pbjson-build the serde impls of the protobuf
//! canonical JSON mapping; the API reference and the OpenAPI document are
//! written from the same descriptors. Everything is generated into memory
//! first, so `--check` compares without touching the tree. Both modes also check
//! protos/original/helm-api.proto against the contract and our proto (`codegen_original`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use prost::Message;
use prost_types::FileDescriptorSet;
use protox::prost_reflect::{DescriptorPool, FieldDescriptor, Kind, MessageDescriptor, MethodDescriptor, Value};
use serde_json::{Map, Value as Json, json};

/// The proto file of the service, relative to protos/.
const PROTO: &str = "helm-api.proto";
/// The service's full name.
const SERVICE: &str = "helmapi.HelmApiService";
/// google.protobuf.Timestamp is api-server's own type: pbjson-types writes `+00:00`, where
/// protobuf's JSON mapping (and grpc-gateway) writes UTC with `Z` and 0, 3, 6 or 9 fraction digits.
/// The other well-known types the proto uses (Empty) come from pbjson-types.
const TIMESTAMP: &str = ".google.protobuf.Timestamp";
/// The Rust path of api-server's Timestamp.
const TIMESTAMP_RUST: &str = "crate::wire_time::Timestamp";
/// Where the generated Rust code lives.
const GENERATED: &str = "crates/api-server/src/generated";

/// Generates everything; with `--check`, fails when a file on disk differs.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let check = args.iter().any(|a| a == "--check");
    if let Some(other) = args.iter().find(|a| *a != "--check") {
        bail!("codegen: unknown argument {other} (usage: cargo xtask codegen [--check])");
    }
    let files = generate(root)?;
    let mut stale = Vec::new();
    for (path, content) in &files {
        let full = root.join(path);
        let on_disk = std::fs::read(&full).ok();
        if on_disk.as_deref() == Some(content.as_slice()) {
            continue;
        }
        if check {
            stale.push(path.display().to_string());
        } else {
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&full, content).with_context(|| format!("writing {}", full.display()))?;
            eprintln!("xtask codegen: wrote {}", path.display());
        }
    }
    if !stale.is_empty() {
        bail!("generated files are stale (run `cargo xtask codegen`):\n  {}", stale.join("\n  "));
    }
    if check {
        eprintln!("xtask codegen: {} generated files are up to date", files.len());
    }
    Ok(())
}

/// Every generated file, path relative to the root, with its content.
fn generate(root: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut compiler = protox::Compiler::new([root.join("protos")])?;
    compiler.include_imports(true).include_source_info(true);
    compiler.open_file(PROTO)?;
    let pool = compiler.descriptor_pool();
    crate::codegen_original::check(root, &pool)?;
    let fds = compiler.file_descriptor_set();
    let descriptor_bytes = compiler.encode_file_descriptor_set();

    let rust = rust_code(root, &fds, &descriptor_bytes)?;
    // The runtime descriptor (reflection, query-string typing) needs no comments.
    let mut runtime = fds.clone();
    for file in &mut runtime.file {
        file.source_code_info = None;
    }
    let api = Api::read(&pool, &fds)?;
    Ok(vec![
        (PathBuf::from(GENERATED).join("helmapi.rs"), rust.into_bytes()),
        (PathBuf::from(GENERATED).join("descriptor.bin"), runtime.encode_to_vec()),
        (PathBuf::from("docs/api.md"), api.markdown().into_bytes()),
        (
            PathBuf::from("docs/openapi.json"),
            format!("{}\n", serde_json::to_string_pretty(&api.openapi())?).into_bytes(),
        ),
    ])
}

/// The prost messages, the tonic client and server and the pbjson serde impls, as one formatted module.
fn rust_code(root: &Path, fds: &FileDescriptorSet, descriptor_bytes: &[u8]) -> Result<String> {
    let tmp = root.join("target/xtask-codegen");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(&tmp)?;
    // Every file goes in (prost resolves the imported types); only helmapi.rs is kept.
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .build_transport(false)
        .out_dir(&tmp)
        .compile_well_known_types(true)
        .extern_path(".google.protobuf", "::pbjson_types")
        .extern_path(TIMESTAMP, TIMESTAMP_RUST)
        .btree_map(".")
        .compile_fds(fds.clone())
        .context("tonic-prost-build")?;
    pbjson_build::Builder::new()
        .register_descriptors(descriptor_bytes)?
        .out_dir(&tmp)
        .extern_path(".google.protobuf", "::pbjson_types")
        .extern_path(TIMESTAMP, TIMESTAMP_RUST)
        .ignore_unknown_fields()
        .btree_map(["."])
        .build(&[".helmapi"])
        .context("pbjson-build")?;
    let messages = std::fs::read_to_string(tmp.join("helmapi.rs")).context("reading prost output")?;
    let serde = std::fs::read_to_string(tmp.join("helmapi.serde.rs")).context("reading pbjson output")?;
    let text = format!(
        "//! Generated by `cargo xtask codegen` from protos/{PROTO}: prost messages, the tonic client and server,\n\
         //! and pbjson serde impls (protobuf canonical JSON). Do not edit.\n\n{messages}\n{serde}"
    );
    rustfmt(root, &text)
}

/// Formats Rust source with the workspace's rustfmt settings.
fn rustfmt(root: &Path, text: &str) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
        .arg(root.join("rustfmt.toml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting rustfmt")?;
    child.stdin.take().context("rustfmt stdin")?.write_all(text.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("rustfmt failed on the generated code");
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// One HTTP binding of an RPC.
struct Binding {
    verb: &'static str,
    path: String,
    body: String,
}

/// The API as the docs see it: RPCs with their bindings and comments, and messages.
struct Api {
    pool: DescriptorPool,
    /// Leading comments by descriptor path, from helm-api.proto.
    comments: BTreeMap<Vec<i32>, String>,
    /// The service's own comment.
    service_comment: String,
    rpcs: Vec<(MethodDescriptor, Vec<Binding>)>,
}

impl Api {
    fn read(pool: &DescriptorPool, fds: &FileDescriptorSet) -> Result<Self> {
        let file = fds.file.iter().find(|f| f.name() == PROTO).context("helm-api.proto missing")?;
        let mut comments = BTreeMap::new();
        for loc in file.source_code_info.iter().flat_map(|s| &s.location) {
            if let Some(text) = &loc.leading_comments {
                comments.insert(loc.path.clone(), clean_comment(text));
            }
        }
        let service = pool.get_service_by_name(SERVICE).context("service missing")?;
        let http = pool.get_extension_by_name("google.api.http").context("google.api.http missing")?;
        let mut rpcs = Vec::new();
        for method in service.methods() {
            let options = method.options();
            let mut bindings = Vec::new();
            if options.has_extension(&http)
                && let Value::Message(rule) = options.get_extension(&http).as_ref()
            {
                bindings.push(binding(rule)?);
                if let Some(Value::List(more)) = rule.get_field_by_name("additional_bindings").as_deref() {
                    for extra in more {
                        if let Value::Message(extra) = extra {
                            bindings.push(binding(extra)?);
                        }
                    }
                }
            }
            rpcs.push((method, bindings));
        }
        let service_comment = comments.get(service.path()).cloned().unwrap_or_default();
        Ok(Self { pool: pool.clone(), comments, service_comment, rpcs })
    }

    fn comment(&self, path: &[i32]) -> String {
        self.comments.get(path).cloned().unwrap_or_default()
    }

    /// The messages of package helmapi, in file order.
    fn messages(&self) -> Vec<MessageDescriptor> {
        let mut all: Vec<MessageDescriptor> =
            self.pool.all_messages().filter(|m| m.package_name() == "helmapi" && !m.is_map_entry()).collect();
        all.sort_by(|a, b| a.path().cmp(b.path()));
        all
    }

    /// docs/api.md.
    fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str("# helm-api: gRPC and HTTP reference\n\n");
        out.push_str(
            "Generated by `cargo xtask codegen` from `protos/helm-api.proto`; do not edit (CI fails when it is stale).\n\n",
        );
        out.push_str(&format!("Service `{SERVICE}`. {}\n\n", one_paragraph(&self.service_comment)));
        out.push_str(
            "JSON is the protobuf canonical mapping: lowerCamelCase names on output, both the proto and the \
             lowerCamelCase names accepted on input, unknown fields ignored, 64-bit integers as strings, \
             timestamps as RFC 3339 strings in UTC (`Z`, 0, 3, 6 or 9 fraction digits; any offset on input). Every request needs `Authorization: Bearer <token>` except \
             `/healthz`, `/readyz`, `/metrics`, gRPC health and reflection. Errors are `{\"code\": <gRPC code>, \"message\": \"...\", \
             \"details\": []}` with the HTTP status of the gRPC code (NOT_FOUND 404, INVALID_ARGUMENT 400, \
             ALREADY_EXISTS 409, FAILED_PRECONDITION 409, UNAUTHENTICATED 401, PERMISSION_DENIED 403, \
             DEADLINE_EXCEEDED 504, RESOURCE_EXHAUSTED 413 for an oversized body, UNIMPLEMENTED 501, \
             UNAVAILABLE 503, INTERNAL 500). Streaming RPCs answer \
             over HTTP with newline-delimited JSON, one `{\"result\": <ReleaseEvent>}` per line, or \
             `{\"error\": <Status>}` last when the operation fails.\n\n\
             Contexts: `contextName` selects a stored context; when it is empty (over HTTP: the context name \
             `_`), the request's inline `kubeinfo` / `repoinfo` make a temporary context for that request \
             alone. Context names are lowercase letters, digits and `-` (at most 63); `context` and `_` are \
             reserved. A context is usable only by the principal that created it, or by an admin. Query \
             parameters of GET routes fill the request's non-message fields (either spelling; repeated \
             fields by repeating the parameter); path parameters win over the body.\n\n",
        );
        out.push_str("## HTTP routes\n\n| verb | path | RPC | body |\n|---|---|---|---|\n");
        for (method, bindings) in &self.rpcs {
            for b in bindings {
                let body =
                    if b.body.is_empty() { "none (query parameters)".to_owned() } else { format!("`{}`", b.body) };
                out.push_str(&format!(
                    "| {} | `{}` | [{}](#{}) | {} |\n",
                    b.verb,
                    b.path,
                    method.name(),
                    anchor(method.name()),
                    body
                ));
            }
            if method.name() == "ListRelease" {
                out.push_str(&format!(
                    "| POST | `/v1/{{contextName}}/release` (body without `repoChartName`) | [{}](#{}) | `*` |\n",
                    method.name(),
                    anchor(method.name())
                ));
            }
        }
        out.push_str("\n## RPCs\n");
        for (method, bindings) in &self.rpcs {
            out.push_str(&format!("\n### {}\n\n", method.name()));
            out.push_str(&format!("{}\n\n", one_paragraph(&self.comment(method.path()))));
            let stream = if method.is_server_streaming() { "stream " } else { "" };
            out.push_str(&format!(
                "Request {}, response {stream}{}.\n\n",
                type_link(&method.input()),
                type_link(&method.output())
            ));
            for b in bindings {
                out.push_str(&format!(
                    "- `{} {}`{}\n",
                    b.verb,
                    b.path,
                    if b.body.is_empty() { String::new() } else { format!(", body `{}`", b.body) }
                ));
            }
        }
        out.push_str("\n## Messages\n");
        for message in self.messages() {
            out.push_str(&format!("\n### {}\n\n{}\n\n", message.name(), one_paragraph(&self.comment(message.path()))));
            if message.fields().len() == 0 {
                out.push_str("No fields.\n");
                continue;
            }
            out.push_str("| # | field | JSON | type | description |\n|---|---|---|---|---|\n");
            for field in message.fields() {
                let oneof = field.containing_oneof().map(|o| format!(" (oneof `{}`)", o.name())).unwrap_or_default();
                out.push_str(&format!(
                    "| {} | `{}` | `{}` | {} | {}{} |\n",
                    field.number(),
                    field.name(),
                    field.json_name(),
                    field_type(&field),
                    one_paragraph(&self.comment(field.path())).replace('|', "\\|"),
                    oneof
                ));
            }
        }
        out
    }

    /// docs/openapi.json.
    fn openapi(&self) -> Json {
        let mut paths: BTreeMap<String, Map<String, Json>> = BTreeMap::new();
        for (method, bindings) in &self.rpcs {
            for (i, b) in bindings.iter().enumerate() {
                let op_id = if i == 0 { method.name().to_owned() } else { format!("{}{}", method.name(), i + 1) };
                let mut description = one_paragraph(&self.comment(method.path()));
                if method.name() == "InstallRelease" {
                    description.push_str(
                        " A POST to this path whose body names no chart (`repoChartName` empty) lists releases instead (ListRelease).",
                    );
                }
                let path_params = path_params(&b.path);
                let input = method.input();
                let mut parameters = Vec::new();
                for name in &path_params {
                    let schema = input
                        .get_field_by_name(name)
                        .map(|f| scalar_schema(&f))
                        .unwrap_or_else(|| json!({"type": "string"}));
                    parameters.push(json!({"name": name, "in": "path", "required": true, "schema": schema}));
                }
                if b.body.is_empty() {
                    for field in input.fields() {
                        if path_params.contains(&field.name().to_owned()) || matches!(field.kind(), Kind::Message(_)) {
                            continue;
                        }
                        let mut schema = scalar_schema(&field);
                        if field.is_list() {
                            schema = json!({"type": "array", "items": schema});
                        }
                        parameters.push(json!({
                            "name": field.json_name(), "in": "query", "required": false,
                            "description": one_paragraph(&self.comment(field.path())), "schema": schema,
                        }));
                    }
                }
                let output = method.output();
                let ok = if method.is_server_streaming() {
                    json!({
                        "description": "Newline-delimited JSON: one `{\"result\": ...}` per event, `{\"error\": ...}` last on failure.",
                        "content": {"application/x-ndjson": {"schema": {
                            "type": "object",
                            "properties": {"result": schema_ref(&output), "error": {"$ref": "#/components/schemas/Status"}},
                        }}},
                    })
                } else {
                    json!({"description": "OK", "content": {"application/json": {"schema": schema_ref(&output)}}})
                };
                let mut op = Map::new();
                op.insert("operationId".into(), json!(op_id));
                op.insert("summary".into(), json!(method.name()));
                op.insert("description".into(), json!(description));
                op.insert("tags".into(), json!(["HelmApiService"]));
                op.insert("parameters".into(), Json::Array(parameters));
                if !b.body.is_empty() {
                    op.insert(
                        "requestBody".into(),
                        json!({"required": true, "content": {"application/json": {"schema": schema_ref(&input)}}}),
                    );
                }
                op.insert(
                    "responses".into(),
                    json!({
                        "200": ok,
                        "default": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                    }),
                );
                paths.entry(b.path.clone()).or_default().insert(b.verb.to_lowercase(), Json::Object(op));
            }
        }
        let mut schemas = Map::new();
        for message in self.messages() {
            let mut props = Map::new();
            for field in message.fields() {
                let mut schema = field_schema(&field);
                if let Json::Object(obj) = &mut schema {
                    let text = one_paragraph(&self.comment(field.path()));
                    if !text.is_empty() && !obj.contains_key("$ref") {
                        obj.insert("description".into(), json!(text));
                    }
                }
                props.insert(field.json_name().to_owned(), schema);
            }
            schemas.insert(
                message.name().to_owned(),
                json!({"type": "object", "description": one_paragraph(&self.comment(message.path())), "properties": props}),
            );
        }
        schemas.insert(
            "Status".into(),
            json!({
                "type": "object",
                "description": "An error, as grpc-gateway writes it: the gRPC code, a message and details.",
                "properties": {
                    "code": {"type": "integer", "format": "int32", "description": "The gRPC status code."},
                    "message": {"type": "string", "description": "What went wrong."},
                    "details": {"type": "array", "items": {"type": "object", "additionalProperties": true}},
                },
            }),
        );
        json!({
            "openapi": "3.0.3",
            "info": {
                "title": "helm-api",
                "version": "1.0.0",
                "description": one_paragraph(&self.service_comment),
            },
            "security": [{"bearer": []}],
            "paths": paths,
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                "schemas": schemas,
            },
        })
    }
}

/// Reads one `google.api.HttpRule`.
fn binding(rule: &protox::prost_reflect::DynamicMessage) -> Result<Binding> {
    let get = |name: &str| -> String {
        rule.get_field_by_name(name).and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    };
    for (field, verb) in [("get", "GET"), ("put", "PUT"), ("post", "POST"), ("delete", "DELETE"), ("patch", "PATCH")] {
        if rule.has_field_by_name(field) {
            return Ok(Binding { verb, path: get(field), body: get("body") });
        }
    }
    bail!("an HTTP rule without a verb")
}

/// The `{name}` parameters of a path template.
fn path_params(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|s| s.split('}').next()).map(str::to_owned).collect()
}

fn clean_comment(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join("\n").trim().to_owned()
}

fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn anchor(name: &str) -> String {
    name.to_lowercase()
}

fn type_link(message: &MessageDescriptor) -> String {
    if message.package_name() == "helmapi" {
        format!("[{}](#{})", message.name(), anchor(message.name()))
    } else {
        message.full_name().to_owned()
    }
}

fn field_type(field: &FieldDescriptor) -> String {
    let base = match field.kind() {
        Kind::Message(m) if field.is_map() => {
            let key = m.get_field_by_name("key").map(|f| kind_name(&f.kind())).unwrap_or_default();
            let value = m.get_field_by_name("value").map(|f| kind_name(&f.kind())).unwrap_or_default();
            return format!("map<{key}, {value}>");
        }
        Kind::Message(m) => type_link(&m),
        other => kind_name(&other),
    };
    if field.is_list() { format!("repeated {base}") } else { base }
}

fn kind_name(kind: &Kind) -> String {
    match kind {
        Kind::Message(m) => m.full_name().to_owned(),
        Kind::Enum(e) => e.full_name().to_owned(),
        Kind::String => "string".into(),
        Kind::Bool => "bool".into(),
        Kind::Int32 => "int32".into(),
        Kind::Int64 => "int64".into(),
        Kind::Uint32 => "uint32".into(),
        Kind::Uint64 => "uint64".into(),
        Kind::Bytes => "bytes".into(),
        Kind::Double => "double".into(),
        Kind::Float => "float".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn schema_ref(message: &MessageDescriptor) -> Json {
    match message.full_name() {
        "google.protobuf.Empty" => json!({"type": "object"}),
        "google.protobuf.Timestamp" => json!({"type": "string", "format": "date-time"}),
        _ => json!({"$ref": format!("#/components/schemas/{}", message.name())}),
    }
}

/// The JSON schema of a non-message field value (canonical JSON: 64-bit integers are strings).
fn scalar_schema(field: &FieldDescriptor) -> Json {
    match field.kind() {
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => json!({"type": "integer", "format": "int32"}),
        Kind::Uint32 | Kind::Fixed32 => json!({"type": "integer", "format": "int64"}),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => json!({"type": "string", "format": "int64"}),
        Kind::Uint64 | Kind::Fixed64 => json!({"type": "string", "format": "uint64"}),
        Kind::Double | Kind::Float => json!({"type": "number"}),
        Kind::Bytes => json!({"type": "string", "format": "byte"}),
        Kind::Enum(_) => json!({"type": "string"}),
        Kind::String | Kind::Message(_) => json!({"type": "string"}),
    }
}

fn field_schema(field: &FieldDescriptor) -> Json {
    let one = |kind: Kind, f: &FieldDescriptor| match kind {
        Kind::Message(m) => schema_ref(&m),
        _ => scalar_schema(f),
    };
    if field.is_map()
        && let Kind::Message(entry) = field.kind()
    {
        let value = entry.get_field_by_name("value").map(|v| one(v.kind(), &v)).unwrap_or_else(|| json!({}));
        return json!({"type": "object", "additionalProperties": value});
    }
    let item = one(field.kind(), field);
    if field.is_list() { json!({"type": "array", "items": item}) } else { item }
}
