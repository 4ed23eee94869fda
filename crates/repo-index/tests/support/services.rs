//! Real servers for the tests, started on loopback: nginx as an HTTP chart
//! repository (basic auth, TLS, client certificates), with certificates
//! made by openssl. A test whose server binary is missing prints one line
//! and returns, or fails under `HELM_API_TEST_REQUIRE=1`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Finds `name` in PATH or the sbin folders; `None` (after saying why) when
/// it is missing and the test may be skipped.
pub fn require_binary(name: &str, test: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    let found = path
        .split(':')
        .chain(["/usr/sbin", "/sbin", "/usr/bin"])
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var("HELM_API_TEST_REQUIRE").as_deref() != Ok("1"),
            "{test}: `{name}` is required (HELM_API_TEST_REQUIRE=1); apt-get install it"
        );
        eprintln!("{test}: skipped, `{name}` not found (apt-get install it)");
    }
    found
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until something listens on `port`.
pub fn wait_for_port(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(20), "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A unique temporary folder, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "repo-index-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, in `dir`.
pub struct Certs {
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

pub fn make_certs(dir: &Path) -> Certs {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=repo-index test CA"]);
    openssl(dir, &ca);
    for (name, ext) in [
        ("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
        ("client", "extendedKeyUsage=clientAuth\n"),
    ] {
        std::fs::write(dir.join(format!("{name}.ext")), ext).unwrap();
        let mut req = vec!["req"];
        req.extend(ec);
        let key = format!("{name}.key");
        let csr = format!("{name}.csr");
        let subj = format!("/CN={name}");
        req.extend(["-keyout", &key, "-out", &csr, "-subj", &subj]);
        openssl(dir, &req);
        let pem = format!("{name}.pem");
        let ext_file = format!("{name}.ext");
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "2",
                "-extfile",
                &ext_file,
            ],
        );
    }
    Certs {
        ca: dir.join("ca.pem"),
        server_cert: dir.join("server.pem"),
        server_key: dir.join("server.key"),
        client_cert: dir.join("client.pem"),
        client_key: dir.join("client.key"),
    }
}

/// nginx serving `www` on plain HTTP and HTTPS: `/private/` needs basic
/// auth (user `helm`, password `s3cret`), `/mtls/` a client certificate.
pub struct Nginx {
    child: Child,
    pub http_port: u16,
    pub https_port: u16,
    pub www: PathBuf,
    pub certs: Certs,
    _dir: TempDir,
}

impl Nginx {
    pub fn start(binary: &Path) -> Nginx {
        let dir = TempDir::new("nginx");
        let d = dir.0.clone();
        let www = d.join("www");
        for sub in ["private", "mtls", "tmp"] {
            std::fs::create_dir_all(www.join(sub)).unwrap();
        }
        let certs = make_certs(&d);
        std::fs::write(d.join("htpasswd"), "helm:{PLAIN}s3cret\n").unwrap();
        let (http_port, https_port) = (free_port(), free_port());
        let p = |f: &str| d.join(f).display().to_string();
        let user = if Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false) {
            "user root;"
        } else {
            ""
        };
        let conf = format!(
            "{user}\ndaemon off;\nworker_processes 1;\npid {pid};\nerror_log {err};\nevents {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {tmp};\n  proxy_temp_path {tmp};\n  fastcgi_temp_path {tmp};\n  uwsgi_temp_path {tmp};\n  scgi_temp_path {tmp};\n  types {{ text/yaml yaml; application/gzip tgz; }}\n  root {www};\n  server {{\n    listen 127.0.0.1:{http_port};\n    location /private/ {{ auth_basic \"charts\"; auth_basic_user_file {htpasswd}; }}\n  }}\n  server {{\n    listen 127.0.0.1:{https_port} ssl;\n    ssl_certificate {cert};\n    ssl_certificate_key {key};\n    ssl_client_certificate {ca};\n    ssl_verify_client optional;\n    location /mtls/ {{ if ($ssl_client_verify != SUCCESS) {{ return 403; }} }}\n    location /private/ {{ auth_basic \"charts\"; auth_basic_user_file {htpasswd}; }}\n  }}\n}}\n",
            pid = p("nginx.pid"),
            err = p("error.log"),
            tmp = p("www/tmp"),
            www = www.display(),
            htpasswd = p("htpasswd"),
            cert = certs.server_cert.display(),
            key = certs.server_key.display(),
            ca = certs.ca.display(),
        );
        std::fs::write(d.join("nginx.conf"), conf).unwrap();
        let child = Command::new(binary)
            .args(["-p", &d.display().to_string(), "-c", &p("nginx.conf"), "-e", &p("error.log")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nginx");
        wait_for_port(http_port);
        wait_for_port(https_port);
        Nginx { child, http_port, https_port, www, certs, _dir: dir }
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.http_port)
    }

    pub fn https(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}/{path}", self.https_port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its workers (SIGKILL would orphan them).
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's `docker-registry` (the distribution registry) on 127.0.0.1,
/// plain HTTP or TLS, optionally with htpasswd auth (user `helm`, password `s3cret`).
pub struct Registry {
    child: Child,
    pub port: u16,
    /// With TLS: the certificates (the CA signs the server's).
    pub certs: Option<Certs>,
    _dir: TempDir,
}

impl Registry {
    pub fn start(binary: &Path, htpasswd: bool) -> Registry {
        Self::start_with(binary, htpasswd, false)
    }

    pub fn start_with(binary: &Path, htpasswd: bool, tls: bool) -> Registry {
        let dir = TempDir::new("registry");
        let d = dir.0.clone();
        let certs = tls.then(|| make_certs(&d));
        let tls_config = certs.as_ref().map_or_else(String::new, |c| {
            format!("  tls:\n    certificate: {}\n    key: {}\n", c.server_cert.display(), c.server_key.display())
        });
        let port = free_port();
        let auth = if htpasswd {
            // bcrypt through the C library's crypt (libxcrypt), as Perl exposes it.
            let out = Command::new("perl")
                .args(["-e", "print crypt('s3cret', q($2b$05$) . 'abcdefghijklmnopqrstuv')"])
                .output()
                .expect("perl");
            let hash = String::from_utf8(out.stdout).unwrap();
            assert!(hash.starts_with("$2b$"), "no bcrypt from crypt(3): {hash}");
            std::fs::write(d.join("htpasswd"), format!("helm:{hash}\n")).unwrap();
            format!("auth:\n  htpasswd:\n    realm: repo-index-test\n    path: {}\n", d.join("htpasswd").display())
        } else {
            String::new()
        };
        let config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n{tls_config}{auth}",
            d.join("data").display()
        );
        std::fs::write(d.join("config.yml"), config).unwrap();
        let child = Command::new(binary)
            .args(["serve", &d.join("config.yml").display().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start docker-registry");
        wait_for_port(port);
        Registry { child, port, certs, _dir: dir }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The real helm binary from `HELM_API_TEST_HELM`, if set.
pub fn helm() -> Option<PathBuf> {
    std::env::var_os("HELM_API_TEST_HELM").map(PathBuf::from).filter(|p| p.is_file())
}
