//! Request messages from HTTP: the JSON body, then query parameters, then path parameters, as grpc-gateway merges them.

use std::sync::LazyLock;

use prost_reflect::{DescriptorPool, FieldDescriptor, Kind, MessageDescriptor};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The service's descriptors, written by `cargo xtask codegen`.
pub static DESCRIPTOR_SET: &[u8] = include_bytes!("../generated/descriptor.bin");

static POOL: LazyLock<Option<DescriptorPool>> = LazyLock::new(|| DescriptorPool::decode(DESCRIPTOR_SET).ok());

/// Decodes the request message `full_name` (`helmapi.InstallReq`) from a body, a raw query string and path parameters.
///
/// The body is protobuf canonical JSON (both field spellings, unknown fields
/// ignored); query and path parameters are typed by the field they name, and
/// path parameters win over the body.
pub fn decode<M: DeserializeOwned>(
    full_name: &str,
    body: &[u8],
    query: Option<&str>,
    path: &[(String, String)],
) -> Result<M> {
    let message = POOL
        .as_ref()
        .and_then(|pool| pool.get_message_by_name(full_name))
        .ok_or_else(|| Error::Internal(format!("no descriptor for {full_name}")))?;
    let mut object = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(Error::InvalidArgument("the request body must be a JSON object".to_owned())),
            Err(err) => return Err(Error::InvalidArgument(format!("the request body is not JSON: {err}"))),
        }
    };
    if let Some(query) = query {
        let mut repeated: Vec<(FieldDescriptor, Vec<Value>)> = Vec::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            // Unknown parameters are ignored, as unknown body fields are.
            let Some(field) = find_field(&message, &key) else { continue };
            if matches!(field.kind(), Kind::Message(_)) {
                continue;
            }
            let value = typed(&field, &value)?;
            if field.is_list() {
                match repeated.iter_mut().find(|(f, _)| f.number() == field.number()) {
                    Some((_, values)) => values.push(value),
                    None => repeated.push((field, vec![value])),
                }
            } else {
                set(&mut object, &field, value);
            }
        }
        for (field, values) in repeated {
            set(&mut object, &field, Value::Array(values));
        }
    }
    for (key, value) in path {
        let field =
            find_field(&message, key).ok_or_else(|| Error::Internal(format!("no field {key} in {full_name}")))?;
        let value = typed(&field, value)?;
        set(&mut object, &field, value);
    }
    serde_json::from_value(Value::Object(object))
        .map_err(|err| Error::InvalidArgument(format!("invalid request: {err}")))
}

/// Whether a JSON body names a chart or carries one (the POST `/v1/{contextName}/release` collision: install or list).
pub fn names_chart(body: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => ["repoChartName", "chartArchive", "chart_archive"]
            .iter()
            .any(|key| map.get(*key).and_then(Value::as_str).is_some_and(|s| !s.is_empty())),
        _ => false,
    }
}

fn find_field(message: &MessageDescriptor, key: &str) -> Option<FieldDescriptor> {
    message.get_field_by_name(key).or_else(|| message.get_field_by_json_name(key))
}

/// Replaces a field in the JSON object under its proto name, dropping the other spelling.
fn set(object: &mut Map<String, Value>, field: &FieldDescriptor, value: Value) {
    object.remove(field.json_name());
    object.insert(field.name().to_owned(), value);
}

/// A string parameter as the JSON value of the field's type.
fn typed(field: &FieldDescriptor, text: &str) -> Result<Value> {
    let bad =
        || Error::InvalidArgument(format!("parameter {}: {:?} is not a valid {:?}", field.name(), text, field.kind()));
    Ok(match field.kind() {
        Kind::Bool => match text {
            "true" | "1" => Value::Bool(true),
            "false" | "0" | "" => Value::Bool(false),
            _ => return Err(bad()),
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::from(text.parse::<i32>().map_err(|_| bad())?),
        Kind::Uint32 | Kind::Fixed32 => Value::from(text.parse::<u32>().map_err(|_| bad())?),
        // 64-bit integers travel as strings in canonical JSON.
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::from(text.parse::<i64>().map_err(|_| bad())?.to_string()),
        Kind::Uint64 | Kind::Fixed64 => Value::from(text.parse::<u64>().map_err(|_| bad())?.to_string()),
        Kind::Double | Kind::Float => Value::from(text.parse::<f64>().map_err(|_| bad())?),
        Kind::String | Kind::Bytes | Kind::Enum(_) | Kind::Message(_) => Value::from(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto;

    fn path(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn both_spellings_and_unknown_fields() {
        let a: proto::InstallReq =
            decode("helmapi.InstallReq", br#"{"dry_run": true, "createNamespace": true, "bogus": 1}"#, None, &[])
                .unwrap();
        assert!(a.dry_run && a.create_namespace);
        let b: proto::InstallReq =
            decode("helmapi.InstallReq", br#"{"dryRun": true, "timeoutSeconds": "30"}"#, None, &[]).unwrap();
        assert!(b.dry_run);
        assert_eq!(b.timeout_seconds, 30);
    }

    #[test]
    fn path_wins_and_is_typed() {
        let req: proto::SearchReq = decode(
            "helmapi.SearchReq",
            b"",
            None,
            &path(&[("contextName", "test"), ("keyword", "maria"), ("regexp", "true")]),
        )
        .unwrap();
        assert_eq!((req.context_name.as_str(), req.keyword.as_str(), req.regexp), ("test", "maria", true));
        let req: proto::ReleaseReq =
            decode("helmapi.ReleaseReq", br#"{"contextName":"other"}"#, None, &path(&[("contextName", "test")]))
                .unwrap();
        assert_eq!(req.context_name, "test");
        assert!(decode::<proto::SearchReq>("helmapi.SearchReq", b"", None, &path(&[("regexp", "maybe")])).is_err());
    }

    #[test]
    fn query_parameters() {
        let req: proto::ListReleaseReq = decode(
            "helmapi.ListReleaseReq",
            b"",
            Some("allNamespaces=true&status=deployed&status=failed&limit=5&unknown=x&namespace=web"),
            &[],
        )
        .unwrap();
        assert!(req.all_namespaces);
        assert_eq!(req.status, ["deployed", "failed"]);
        assert_eq!((req.limit, req.namespace.as_str()), (5, "web"));
        assert!(decode::<proto::ListReleaseReq>("helmapi.ListReleaseReq", b"", Some("limit=x"), &[]).is_err());
    }

    #[test]
    fn bad_bodies() {
        for body in [&b"[]"[..], b"{", b"\"x\"", br#"{"dryRun": "yes"}"#] {
            assert!(decode::<proto::InstallReq>("helmapi.InstallReq", body, None, &[]).is_err());
        }
    }
}
