//! Unit tests for the strvals parsers; the conformance suite compares with Helm itself.

use super::*;

fn set(lines: &[&str]) -> Result<Map, String> {
    let mut m = Map::new();
    for l in lines {
        parse_into(l, &mut m).map_err(|e| e.to_string())?;
    }
    Ok(m)
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(entries.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
}

#[test]
fn types_like_helm() {
    let m = set(&["a=1,b=true,c=null,d=0,e=012,f=x,g=-3,h=TRUE,i=1.5,j="]).unwrap();
    assert_eq!(m["a"], Value::Int64(1));
    assert_eq!(m["b"], Value::Bool(true));
    assert_eq!(m["c"], Value::Null);
    assert_eq!(m["d"], Value::Int64(0));
    assert_eq!(m["e"], Value::from("012"));
    assert_eq!(m["f"], Value::from("x"));
    assert_eq!(m["g"], Value::Int64(-3));
    assert_eq!(m["h"], Value::Bool(true));
    assert_eq!(m["i"], Value::from("1.5"));
    assert_eq!(m["j"], Value::from(""));
}

#[test]
fn nests_maps_and_lists() {
    let m = set(&["a.b[1].c=x"]).unwrap();
    assert_eq!(m["a"], map(&[("b", Value::List(vec![Value::Null, map(&[("c", Value::from("x"))])]))]));
    let m = set(&["l={1,b}"]).unwrap();
    assert_eq!(m["l"], Value::List(vec![Value::Int64(1), Value::from("b")]));
}

#[test]
fn reports_helm_errors() {
    assert_eq!(set(&["a"]).unwrap_err(), r#"key "a" has no value"#);
    assert_eq!(set(&["a,b=1"]).unwrap_err(), r#"key "a" has no value (cannot end with ,)"#);
    assert_eq!(set(&["a[x]=1"]).unwrap_err(), r#"error parsing index: strconv.Atoi: parsing "x": invalid syntax"#);
    assert_eq!(
        set(&["a=1", "a.b=2"]).unwrap_err(),
        "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
    );
    assert_eq!(set(&["a[0]x=1"]).unwrap_err(), "unexpected data at end of array index: ['x']");
    assert_eq!(set(&["a={1,2"]).unwrap_err(), "list must terminate with '}'");
    assert_eq!(set(&["a[65537]=1"]).unwrap_err(), "index of 65537 is greater than maximum supported index of 65536");
}

#[test]
fn literal_takes_the_rest_of_the_line() {
    let mut m = Map::new();
    parse_literal_into(r"a.b=x,y=\z", &mut m).unwrap();
    assert_eq!(m["a"], map(&[("b", Value::from(r"x,y=\z"))]));
}

#[test]
fn file_values_come_from_the_reader() {
    let mut m = Map::new();
    parse_into_file("a=f1,b={f1,f2}", &mut m, |p| Ok(Value::String(format!("<{p}>")))).unwrap();
    assert_eq!(m["a"], Value::from("<f1>"));
    assert_eq!(m["b"], Value::List(vec![Value::from("<f1>"), Value::from("<f2>")]));
    let err = parse_into_file("a=f1", &mut m, |_| Err("open f1: no such file or directory".into())).unwrap_err();
    assert_eq!(err.to_string(), "open f1: no such file or directory");
}

#[test]
fn deep_lists_stop_with_an_error() {
    let line = format!("a{}=1", "[0]".repeat(5000));
    assert!(set(&[&line]).is_err());
}

#[test]
fn a_hundred_nested_lists_still_parse() {
    let line = format!("a{}=1", "[0]".repeat(99));
    assert!(set(&[&line]).is_ok());
}
