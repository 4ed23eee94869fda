//! The proto keeps the original contract: every RPC with its types, every field with its name, number and type.

use prost_reflect::{DescriptorPool, FieldDescriptor, Kind};

const ORIGINAL: &str = include_str!("data/original-contract.txt");

fn pool() -> DescriptorPool {
    DescriptorPool::decode(api_server::gateway::decode::DESCRIPTOR_SET).unwrap()
}

/// The field's type spelled as the contract spells it (`string`, `repeated Entry`, `map<string,_string>`).
fn spelled(field: &FieldDescriptor) -> String {
    let name = |kind: Kind| match kind {
        Kind::Message(m) if m.package_name() == "helmapi" => m.name().to_owned(),
        Kind::Message(m) => m.full_name().to_owned(),
        Kind::String => "string".into(),
        Kind::Bool => "bool".into(),
        Kind::Int32 => "int32".into(),
        Kind::Int64 => "int64".into(),
        other => format!("{other:?}"),
    };
    if field.is_map() {
        let Kind::Message(entry) = field.kind() else { unreachable!() };
        let key = name(entry.get_field_by_name("key").unwrap().kind());
        let value = name(entry.get_field_by_name("value").unwrap().kind());
        return format!("map<{key},_{value}>");
    }
    let base = name(field.kind());
    if field.is_list() { format!("repeated_{base}") } else { base }
}

#[test]
fn every_original_rpc_and_field_is_kept() {
    let pool = pool();
    let service = pool.get_service_by_name("helmapi.HelmApiService").unwrap();
    let (mut rpcs, mut fields) = (0, 0);
    for line in ORIGINAL.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let parts: Vec<&str> = line.split(' ').collect();
        match parts.as_slice() {
            ["rpc", name, request, response] => {
                let method =
                    service.methods().find(|m| m.name() == *name).unwrap_or_else(|| panic!("rpc {name} missing"));
                let full = |t: &str| if t.contains('.') { t.to_owned() } else { format!("helmapi.{t}") };
                assert_eq!(method.input().full_name(), full(request), "{name} request");
                assert_eq!(method.output().full_name(), full(response), "{name} response");
                assert!(!method.is_client_streaming() && !method.is_server_streaming(), "{name} stays unary");
                rpcs += 1;
            }
            ["field", message, number, name, ty] => {
                let descriptor = pool
                    .get_message_by_name(&format!("helmapi.{message}"))
                    .unwrap_or_else(|| panic!("message {message} missing"));
                let field = descriptor
                    .get_field(number.parse().unwrap())
                    .unwrap_or_else(|| panic!("{message} field {number} missing"));
                assert_eq!(field.name(), *name, "{message} field {number}");
                assert_eq!(spelled(&field), *ty, "{message}.{name}");
                fields += 1;
            }
            _ => panic!("bad contract line {line:?}"),
        }
    }
    assert_eq!((rpcs, fields), (14, 134));
    assert_eq!(service.full_name(), "helmapi.HelmApiService");
}

#[test]
fn additions_use_numbers_from_20_up() {
    let pool = pool();
    let original: Vec<(String, u32)> = ORIGINAL
        .lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split(' ').collect();
            (parts.first() == Some(&"field")).then(|| (parts[1].to_owned(), parts[2].parse().unwrap()))
        })
        .collect();
    for message in pool.all_messages().filter(|m| m.package_name() == "helmapi") {
        let is_original = original.iter().any(|(m, _)| *m == message.name());
        if !is_original {
            continue;
        }
        for field in message.fields() {
            let kept = original.iter().any(|(m, n)| *m == message.name() && *n == field.number());
            assert!(
                kept || field.number() >= 20,
                "{}.{} = {} is new but below 20",
                message.name(),
                field.name(),
                field.number()
            );
        }
    }
}
