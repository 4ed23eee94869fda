//! Unit tests of the parser: tree shapes, positions and the nesting limits that keep recursion off the stack's end.

use super::{Node, Operand, ParseOptions, parse};

fn parse_t(text: &str) -> Result<Vec<super::Tree>, crate::ParseError> {
    parse("t", text, &ParseOptions::default())
}

#[test]
fn keeps_positions_and_lines() {
    let trees = parse_t("a\n{{ .x.y }}\n{{if $v := .z}}{{end}}").expect("parses");
    let root = &trees[0].root;
    let Node::Action(action) = &root.nodes[1] else { panic!("an action") };
    assert_eq!(trees[0].location(action.pos).0, 2);
    let Operand::Field(path) = &action.pipe.cmds[0].args[0] else { panic!("a field") };
    assert_eq!(&*path.names, &["x", "y"]);
    assert_eq!(trees[0].location(path.pos), (2, 5));
    let Node::If(branch) = &root.nodes[3] else { panic!("an if") };
    assert_eq!(trees[0].location(branch.pos).0, 3);
    assert_eq!(branch.pipe.decl[0].names[0].as_str(), "$v");
}

#[test]
fn defines_share_the_source() {
    let trees = parse_t("{{define \"a\"}}\nA{{.x}}{{end}}top").expect("parses");
    let names: Vec<&str> = trees.iter().map(|t| &*t.name).collect();
    assert_eq!(names, ["a", "t"]);
    assert_eq!(trees[0].to_string(), "\nA{{.x}}");
    assert_eq!(trees[0].parse_name.as_ref(), "t");
}

/// Runs `f` on a thread with a big stack: debug builds use far more stack per level than release.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(256 << 20).spawn(f).expect("thread").join().expect("no panic");
}

#[test]
fn deep_parens_are_limited_not_overflowed() {
    with_big_stack(|| {
        let ok = format!("{{{{{}.a{}}}}}", "(".repeat(999), ")".repeat(999));
        assert!(parse_t(&ok).is_ok());
        let deep = format!("{{{{{}.a{}}}}}", "(".repeat(5000), ")".repeat(5000));
        let err = parse_t(&deep).expect_err("too deep");
        assert_eq!(err.message, "max expression depth exceeded");
    });
}

#[test]
fn deep_control_nesting_is_limited_not_overflowed() {
    with_big_stack(|| {
        let ok = format!("{}x{}", "{{if .a}}".repeat(199), "{{end}}".repeat(199));
        assert!(parse_t(&ok).is_ok());
        let deep = format!("{}x{}", "{{with .a}}".repeat(100_000), "{{end}}".repeat(100_000));
        let err = parse_t(&deep).expect_err("too deep");
        assert_eq!(err.message, "max nesting depth exceeded");
        let chain = format!("{{{{if .a}}}}{}{{{{end}}}}", "{{else if .b}}".repeat(100_000));
        assert_eq!(parse_t(&chain).expect_err("too deep").message, "max nesting depth exceeded");
        let blocks = format!("{}x{}", "{{block \"a\" .}}".repeat(100_000), "{{end}}".repeat(100_000));
        assert_eq!(parse_t(&blocks).expect_err("too deep").message, "max nesting depth exceeded");
    });
}

#[test]
fn custom_function_sets() {
    let names: &[&str] = &["f"];
    let options = ParseOptions { functions: &names, ..ParseOptions::default() };
    assert!(parse("t", "{{f 1}}", &options).is_ok());
    let err = parse("t", "{{include \"x\" .}}", &options).expect_err("unknown");
    assert_eq!(err.to_string(), "template: t:1: function \"include\" not defined");
}
