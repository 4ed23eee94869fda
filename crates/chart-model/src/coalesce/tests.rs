//! Unit tests for coalescing on hand-built charts; the conformance suite compares with Helm itself.

use super::*;
use crate::chart::Metadata;

fn chart(name: &str, values: Value, deps: Vec<Chart>) -> Chart {
    Chart {
        metadata: Metadata { name: name.to_owned(), version: "0.1.0".to_owned(), ..Metadata::default() },
        values: match values {
            Value::Map(m) => m,
            _ => Map::new(),
        },
        dependencies: deps,
        ..Chart::default()
    }
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(entries.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
}

fn as_map(v: Value) -> Map {
    match v {
        Value::Map(m) => m,
        _ => Map::new(),
    }
}

#[test]
fn user_values_win_and_null_deletes() {
    let c = chart("p", map(&[("a", Value::Float64(1.0)), ("b", Value::from("x"))]), vec![]);
    let user = as_map(map(&[("a", Value::Float64(2.0)), ("b", Value::Null)]));
    let out = coalesce_values(&c, &user, &CoalesceOptions::default()).unwrap();
    assert_eq!(Value::Map(out.values), map(&[("a", Value::Float64(2.0))]));
    let kept = coalesce_values(&c, &user, &CoalesceOptions { keep_nulls: true }).unwrap();
    assert_eq!(kept.values["b"], Value::Null);
}

#[test]
fn globals_flow_down_and_subchart_defaults_leak_up_as_in_helm() {
    let sub =
        chart("sub", map(&[("global", map(&[("a", map(&[("b", map(&[("y", Value::Float64(2.0))]))]))]))]), vec![]);
    let parent =
        chart("p", map(&[("global", map(&[("a", map(&[("b", map(&[("x", Value::Float64(1.0))]))]))]))]), vec![sub]);
    let out = coalesce_values(&parent, &Map::new(), &CoalesceOptions::default()).unwrap();
    let b = map(&[("x", Value::Float64(1.0)), ("y", Value::Float64(2.0))]);
    // Helm copies the parent's global tables one level deep only, so the
    // subchart's default two levels down reaches the parent's globals too.
    assert_eq!(out.values["global"], map(&[("a", map(&[("b", b.clone())]))]));
    assert_eq!(out.values["sub"], map(&[("global", map(&[("a", map(&[("b", b)]))]))]));
}

#[test]
fn warns_on_type_clashes() {
    let c = chart("p", map(&[("a", Value::Float64(1.0))]), vec![]);
    let user = as_map(map(&[("a", map(&[("b", Value::Float64(1.0))]))]));
    let out = coalesce_values(&c, &user, &CoalesceOptions::default()).unwrap();
    assert_eq!(out.warnings, vec!["warning: skipped value for p.a: Not a table.".to_owned()]);
}

#[test]
fn subchart_values_must_be_a_map() {
    let c = chart("p", Value::Null, vec![chart("sub", Value::Null, vec![])]);
    let user = as_map(map(&[("sub", Value::from("x"))]));
    let err = coalesce_values(&c, &user, &CoalesceOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "type mismatch on sub: %!t(string=x)");
}
