//! `helmrs template` against the real `helm template` (v3.22.0, `HELM_API_TEST_HELM`): the same
//! charts and flags, stdout, stderr and exit status compared byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::Command;

/// The real helm, or `None` (after saying why) when the test may be skipped.
fn real_helm() -> Option<PathBuf> {
    match std::env::var_os("HELM_API_TEST_HELM") {
        Some(path) => Some(PathBuf::from(path)),
        None if std::env::var("HELM_API_TEST_REQUIRE").as_deref() == Ok("1") => {
            panic!("HELM_API_TEST_HELM is not set and HELM_API_TEST_REQUIRE=1")
        }
        None => {
            eprintln!("skipping: HELM_API_TEST_HELM is not set");
            None
        }
    }
}

/// Every file under `root` with its text, by relative path.
fn tree(root: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_str().unwrap().to_owned();
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn charts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../crates/template-render/tests/golden/render/charts")
}

#[test]
fn template_matches_real_helm() {
    let Some(helm) = real_helm() else { return };
    let dir = std::env::temp_dir().join(format!("helmrs-real-helm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let values = dir.join("values.yaml");
    std::fs::write(&values, "ingress:\n  enabled: true\nautoscaling:\n  enabled: true\nenv:\n  FROM_FILE: 'yes'\n")
        .unwrap();
    let set_file = dir.join("greeting.txt");
    std::fs::write(&set_file, "hello\nworld\n").unwrap();
    let webapp = charts().join("webapp");
    let umbrella = charts().join("umbrella");
    let operator = charts().join("operator");
    let s = |p: &PathBuf| p.to_str().unwrap().to_owned();
    let runs: Vec<Vec<String>> = vec![
        vec![s(&webapp)],
        vec!["my-web".into(), s(&webapp), "-n".into(), "prod".into(), "-f".into(), s(&values)],
        vec![
            s(&webapp),
            "--set".into(),
            "replicaCount=7,service.port=8080".into(),
            "--set-string".into(),
            "image.tag=1.0".into(),
        ],
        vec![s(&webapp), "--set-json".into(), r#"podLabels={"tier":"web","n":1}"#.into()],
        vec![s(&webapp), "--set-file".into(), format!("env.GREETING={}", s(&set_file))],
        vec![s(&webapp), "--skip-tests".into(), "--kube-version".into(), "1.27.3".into()],
        vec![s(&webapp), "-s".into(), "templates/service.yaml".into(), "-s".into(), "templates/tests/*".into()],
        vec![s(&webapp), "-s".into(), "templates/missing.yaml".into()],
        vec![
            s(&webapp),
            "--api-versions".into(),
            "networking.k8s.io/v1/Ingress,example.com/v1".into(),
            "--set".into(),
            "ingress.enabled=true".into(),
        ],
        vec![s(&umbrella)],
        vec![s(&umbrella), "--set".into(), "admin.enabled=true,tags.optional=true".into(), "--is-upgrade".into()],
        vec![s(&umbrella), "--set".into(), "backend.enabled=false".into()],
        vec![s(&operator), "--include-crds".into()],
        vec![s(&operator), "--no-hooks".into()],
        vec![s(&operator), "--kube-version".into(), "1.20".into()],
        vec!["Bad_Name".into(), s(&operator)],
    ];
    let mut failures = Vec::new();
    for args in &runs {
        let theirs = Command::new(&helm).arg("template").args(args).env("HELM_NAMESPACE", "default").output().unwrap();
        let ours = Command::new(env!("CARGO_BIN_EXE_helmrs")).arg("template").args(args).output().unwrap();
        if theirs.stdout != ours.stdout
            || theirs.stderr != ours.stderr
            || theirs.status.success() != ours.status.success()
        {
            failures.push(format!(
                "--- helm template {}\n  helm: {:?} {:?}\n  ours: {:?} {:?}",
                args.join(" "),
                theirs.status.code(),
                String::from_utf8_lossy(if theirs.status.success() { &theirs.stdout } else { &theirs.stderr }),
                ours.status.code(),
                String::from_utf8_lossy(if ours.status.success() { &ours.stdout } else { &ours.stderr }),
            ));
        }
    }
    // --output-dir: the same files, the same stdout.
    for (n, extra) in [("plain", vec![]), ("crds", vec!["--include-crds", "--release-name"])] {
        let theirs_dir = dir.join(format!("helm-{n}"));
        let ours_dir = dir.join(format!("ours-{n}"));
        let run = |bin: &std::path::Path, out: &PathBuf| {
            let mut c = Command::new(bin);
            c.args(["template", "rel", &s(&operator), "--output-dir", out.to_str().unwrap()]).args(&extra);
            c.output().unwrap()
        };
        let theirs = run(&helm, &theirs_dir);
        let ours = run(std::path::Path::new(env!("CARGO_BIN_EXE_helmrs")), &ours_dir);
        let theirs_stdout = String::from_utf8_lossy(&theirs.stdout).replace(theirs_dir.to_str().unwrap(), "DIR");
        let ours_stdout = String::from_utf8_lossy(&ours.stdout).replace(ours_dir.to_str().unwrap(), "DIR");
        if theirs_stdout != ours_stdout || tree(&theirs_dir) != tree(&ours_dir) {
            failures.push(format!(
                "--- --output-dir {n}\n  helm: {theirs_stdout:?} {:?}\n  ours: {ours_stdout:?} {:?}",
                tree(&theirs_dir),
                tree(&ours_dir)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("helm template: {} runs, {} identical", runs.len(), runs.len() - failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
