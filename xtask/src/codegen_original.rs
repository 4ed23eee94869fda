//! The original service's proto (protos/original/helm-api.proto) against the contract and our proto.
//!
//! Run by `cargo xtask codegen [--check]`: the original proto must hold exactly the RPCs and fields of
//! crates/api-server/tests/server/data/original-contract.txt (nothing more), and protos/helm-api.proto must
//! keep every one of its RPCs and fields with the same name, number and type, so a client generated from the
//! original proto (the e2e's Python client) speaks our server's wire format.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Result, bail};
use protox::prost_reflect::{DescriptorPool, FieldDescriptor, Kind};

/// The original proto, relative to protos/original/ (so generated clients keep the original's module names).
const ORIGINAL_PROTO: &str = "helm-api.proto";
/// The contract's RPCs and fields, one a line.
const CONTRACT: &str = "crates/api-server/tests/server/data/original-contract.txt";
/// The service's full name.
const SERVICE: &str = "helmapi.HelmApiService";

/// Checks the original proto against the contract and `ours` (the compiled protos/helm-api.proto).
pub fn check(root: &Path, ours: &DescriptorPool) -> Result<()> {
    let mut compiler = protox::Compiler::new([root.join("protos/original"), root.join("protos")])?;
    compiler.open_file(ORIGINAL_PROTO)?;
    let original = compiler.descriptor_pool();
    let services = original.services().count();
    let streaming =
        original.services().any(|s| s.methods().any(|m| m.is_client_streaming() || m.is_server_streaming()));
    let enums = original.all_enums().any(|e| e.package_name() == "helmapi");
    let empty = original.all_messages().find(|m| m.package_name() == "helmapi" && m.fields().len() == 0);
    if services != 1 || streaming || enums || empty.is_some() {
        bail!(
            "protos/original/{ORIGINAL_PROTO} has more than the contract (services: {services}, streaming RPCs: {streaming}, enums: {enums}, empty message: {empty:?})"
        );
    }

    let contract: BTreeSet<String> = std::fs::read_to_string(root.join(CONTRACT))?
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let described = describe(&original)?;
    let missing: Vec<&String> = contract.difference(&described).collect();
    let extra: Vec<&String> = described.difference(&contract).collect();
    if !missing.is_empty() || !extra.is_empty() {
        bail!(
            "protos/original/{ORIGINAL_PROTO} differs from {CONTRACT}:\n  missing: {missing:?}\n  not in the contract: {extra:?}"
        );
    }
    let kept = describe(ours)?;
    let lost: Vec<&String> = described.difference(&kept).collect();
    if !lost.is_empty() {
        bail!("protos/helm-api.proto lost or changed these RPCs/fields of the original: {lost:?}");
    }
    Ok(())
}

/// Every RPC (`rpc <name> <request> <response>`) and every field (`field <message> <number> <name> <type>`) of
/// package helmapi, spelled as the contract file spells them. Streaming RPCs (our additions) are skipped; the
/// contract's vocabulary has none, nor enums nor field-less messages (`check` refuses those in the original).
fn describe(pool: &DescriptorPool) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let Some(service) = pool.get_service_by_name(SERVICE) else { bail!("no service {SERVICE}") };
    let short = |full: &str| full.strip_prefix("helmapi.").unwrap_or(full).to_owned();
    for method in service.methods() {
        if method.is_client_streaming() || method.is_server_streaming() {
            continue;
        }
        let (input, output) = (short(method.input().full_name()), short(method.output().full_name()));
        out.insert(format!("rpc {} {input} {output}", method.name()));
    }
    for message in pool.all_messages().filter(|m| m.package_name() == "helmapi" && !m.is_map_entry()) {
        for field in message.fields() {
            out.insert(format!("field {} {} {} {}", message.name(), field.number(), field.name(), spelled(&field)?));
        }
    }
    Ok(out)
}

/// A field's type as the contract spells it: `string`, `KubeInfo`, `repeated_Entry`, `map<string,_string>`.
fn spelled(field: &FieldDescriptor) -> Result<String> {
    let name = |kind: Kind| -> Result<String> {
        Ok(match kind {
            Kind::Message(m) if m.package_name() == "helmapi" => m.name().to_owned(),
            Kind::Message(m) => m.full_name().to_owned(),
            Kind::String => "string".into(),
            Kind::Bool => "bool".into(),
            Kind::Int32 => "int32".into(),
            Kind::Int64 => "int64".into(),
            Kind::Enum(e) => e.full_name().to_owned(),
            other => format!("{other:?}").to_lowercase(),
        })
    };
    if field.is_map() {
        let Kind::Message(entry) = field.kind() else { bail!("map field {} without an entry", field.full_name()) };
        let key = entry.map_entry_key_field();
        let value = entry.map_entry_value_field();
        return Ok(format!("map<{},_{}>", name(key.kind())?, name(value.kind())?));
    }
    let base = name(field.kind())?;
    Ok(if field.is_list() { format!("repeated_{base}") } else { base })
}
