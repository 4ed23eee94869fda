//! deploy/chart (the Helm chart of helm-api itself) and examples/charts/greeter: `helmrs template` and the real
//! `helm template` (`HELM_API_TEST_HELM`) render them identically, stdout, stderr and exit status, for the
//! default values, every option the chart has, and its refusals.

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

fn workspace(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path).to_str().unwrap().to_owned()
}

const KEY: &str = "secret.encryptionKey=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

#[test]
fn deploy_chart_renders_as_real_helm() {
    let Some(helm) = real_helm() else { return };
    let chart = workspace("deploy/chart");
    let greeter = workspace("examples/charts/greeter");
    let dir = std::env::temp_dir().join(format!("helmrs-deploy-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let values = dir.join("values.yaml");
    std::fs::write(
        &values,
        "replicaCount: 1\ncontextsStore: embedded\nimage:\n  tag: \"0.2.0-rc.1\"\nsecret:\n  tokens: |\n    \
         ops 0123456789abcdef0123 admin\n    ci fedcba9876543210fedc\npodAnnotations:\n  prometheus.io/scrape: \"true\"\n\
         nodeSelector:\n  kubernetes.io/os: linux\ntolerations:\n  - key: dedicated\n    operator: Exists\n\
         affinity:\n  podAntiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 100\n\
         \x20       podAffinityTerm:\n          topologyKey: kubernetes.io/hostname\n          labelSelector:\n\
         \x20           matchLabels:\n              app.kubernetes.io/name: helm-api\n",
    )
    .unwrap();
    let values = values.to_str().unwrap().to_owned();
    let runs: Vec<Vec<&str>> = vec![
        // The defaults need a key and tokens: both refuse alike.
        vec!["helm-api", &chart],
        vec!["helm-api", &chart, "--set", KEY],
        vec![
            "helm-api",
            &chart,
            "-n",
            "helm-api",
            "--set",
            KEY,
            "--set",
            "secret.tokens=admin abcdefabcdefabcdefab admin",
        ],
        vec!["my-api", &chart, "-n", "tools", "--set", KEY, "-f", &values],
        vec![
            "helm-api",
            &chart,
            "--set",
            "secret.existingSecret=helm-api-secret",
            "--set",
            "tls.secretName=helm-api-tls",
        ],
        vec![
            "prod",
            &chart,
            "--set",
            "secret.existingSecret=s,service.type=NodePort,service.httpPort=9000,logLevel=debug",
            "--set",
            "resources=null",
        ],
        vec!["helm-api", &chart, "--set", "secret.encryptionKey=not-hex,secret.tokens=a b"],
        vec!["helm-api", &chart, "--set", "secret.existingSecret=s", "-s", "templates/deployment.yaml"],
        vec!["mysql", &greeter],
        vec!["mysql", &greeter, "--set", "message=two,replicaCount=2"],
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
                "--- helm template {}\n  helm: {:?} {}{}\n  ours: {:?} {}{}",
                args.join(" "),
                theirs.status.code(),
                String::from_utf8_lossy(&theirs.stdout),
                String::from_utf8_lossy(&theirs.stderr),
                ours.status.code(),
                String::from_utf8_lossy(&ours.stdout),
                String::from_utf8_lossy(&ours.stderr),
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("deploy chart: {} runs, {} identical", runs.len(), runs.len() - failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
