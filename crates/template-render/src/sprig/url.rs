//! Sprig's `urlParse` and `urlJoin`, built on a port of the parts of Go's `net/url` they use:
//! `url.Parse` and `URL.String` with Go's escaping rules.

use std::sync::Arc;

use crate::exec::CallContext;
use crate::quote::go_quote;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Map, Value};

use super::args::str;
use super::cast::kind_name;

/// The URL functions.
pub(super) const FUNCTIONS: &[Function] =
    &[Function::new("urlParse", &[GoType::String], url_parse), Function::new("urlJoin", &[GoType::Map], url_join)];

type R = Result<Value, FuncError>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host && b"!$&'()*+,;=:[]<>\"".contains(&c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host => true,
            };
        }
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

/// Go's `escape`.
fn escape(s: &str, mode: Mode) -> String {
    let mut bytes = Vec::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            bytes.extend_from_slice(format!("%{c:02X}").as_bytes());
        } else {
            bytes.push(c);
        }
    }
    super::cast::lossy_bytes(&bytes)
}

/// Go's `unescape` (no `+` to space: none of the modes here is a query).
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: Option<&u8>| c.and_then(|c| char::from(*c).to_digit(16));
            match (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                (Some(h), Some(l)) => {
                    if mode == Mode::Host && h < 8 && &s[i..i + 3] != "%25" {
                        return Err(format!("invalid URL escape {}", go_quote(&s[i..i + 3])));
                    }
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                _ => {
                    let end = (i + 3).min(b.len());
                    return Err(format!("invalid URL escape {}", go_quote(&super::cast::lossy_bytes(&b[i..end]))));
                }
            }
        } else {
            if mode == Mode::Host && b[i] < 0x80 && should_escape(b[i], mode) {
                return Err(format!("invalid character {} in host name", go_quote(&s[i..i + 1])));
            }
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(super::cast::lossy_bytes(&out))
}

/// A parsed URL: the fields `urlParse` reports.
#[derive(Default)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<User>,
    host: String,
    path: String,
    raw_query: String,
    force_query: bool,
    fragment: String,
    omit_host: bool,
}

/// Go's `getScheme`.
fn get_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok(("", raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".to_owned());
                }
                return Ok((&raw[..i], &raw[i + 1..]));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// Go's `validOptionalPort`.
fn valid_optional_port(port: &str) -> bool {
    if port.is_empty() {
        return true;
    }
    match port.strip_prefix(':') {
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// Go's `parseHost` (the common cases: a name or address with an optional port, or `[v6]:port`).
fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else { return Err("missing ']' in host".to_owned()) };
        let colon_port = &host[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
        return unescape(host, Mode::Host);
    }
    if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    }
    unescape(host, Mode::Host)
}

/// Go's `validUserinfo`.
fn valid_userinfo(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c))
}

/// A URL's user: the name and, when one was given, the password.
type User = (String, Option<String>);

fn parse_authority(authority: &str) -> Result<(Option<User>, String), String> {
    let Some(i) = authority.rfind('@') else { return Ok((None, parse_host(authority)?)) };
    let host = parse_host(&authority[i + 1..])?;
    let userinfo = &authority[..i];
    if !valid_userinfo(userinfo) {
        return Err("net/url: invalid userinfo".to_owned());
    }
    let user = match userinfo.split_once(':') {
        None => (unescape(userinfo, Mode::UserPassword)?, None),
        Some((u, p)) => (unescape(u, Mode::UserPassword)?, Some(unescape(p, Mode::UserPassword)?)),
    };
    Ok((Some(user), host))
}

/// Go's unexported `parse(rawURL, false)`.
fn parse_inner(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_owned());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".to_owned();
        return Ok(url);
    }
    let (scheme, rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest.to_owned();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest.pop();
    } else if let Some((r, q)) = rest.clone().split_once('?') {
        url.raw_query = q.to_owned();
        rest = r.to_owned();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest;
            return Ok(url);
        }
        if rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
            return Err("first path segment in URL cannot contain colon".to_owned());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let auth_and_rest = &rest[2..];
        let (authority, path) = match auth_and_rest.find('/') {
            Some(i) => (&auth_and_rest[..i], &auth_and_rest[i..]),
            None => (auth_and_rest, ""),
        };
        let (user, host) = parse_authority(authority)?;
        url.user = user;
        url.host = host;
        rest = path.to_owned();
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    url.path = unescape(&rest, Mode::Path)?;
    Ok(url)
}

/// Go's `url.Parse`, with its `parse "URL": ...` error text.
fn parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
    let mut url = parse_inner(u).map_err(|e| format!("parse {}: {e}", go_quote(u)))?;
    url.fragment = unescape(frag, Mode::Fragment).map_err(|e| format!("parse {}: {e}", go_quote(raw)))?;
    Ok(url)
}

fn userinfo_string(user: &User) -> String {
    let mut s = escape(&user.0, Mode::UserPassword);
    if let Some(p) = &user.1 {
        s.push(':');
        s.push_str(&escape(p, Mode::UserPassword));
    }
    s
}

/// Go's `URL.String`.
fn to_string(u: &Url) -> String {
    let mut buf = String::new();
    if !u.scheme.is_empty() {
        buf.push_str(&u.scheme);
        buf.push(':');
    }
    if !u.opaque.is_empty() {
        buf.push_str(&u.opaque);
    } else {
        let authority = !u.scheme.is_empty() || !u.host.is_empty() || u.user.is_some();
        if authority && !(u.omit_host && u.host.is_empty() && u.user.is_none()) {
            if !u.host.is_empty() || !u.path.is_empty() || u.user.is_some() {
                buf.push_str("//");
            }
            if let Some(user) = &u.user {
                buf.push_str(&userinfo_string(user));
                buf.push('@');
            }
            if !u.host.is_empty() {
                buf.push_str(&escape(&u.host, Mode::Host));
            }
        }
        let path = escape(&u.path, Mode::Path);
        if !path.is_empty() && !path.starts_with('/') && !u.host.is_empty() {
            buf.push('/');
        }
        if buf.is_empty() && path.split('/').next().is_some_and(|seg| seg.contains(':')) {
            buf.push_str("./");
        }
        buf.push_str(&path);
    }
    if u.force_query || !u.raw_query.is_empty() {
        buf.push('?');
        buf.push_str(&u.raw_query);
    }
    if !u.fragment.is_empty() {
        buf.push('#');
        buf.push_str(&escape(&u.fragment, Mode::Fragment));
    }
    buf
}

/// Go's `URL.Hostname`.
fn hostname(host: &str) -> &str {
    let h = match host.rfind(':') {
        Some(i) if valid_optional_port(&host[i..]) && (!host.starts_with('[') || host[..i].ends_with(']')) => {
            &host[..i]
        }
        _ => host,
    };
    h.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(h)
}

fn url_parse(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let u = parse(str(a, 0)).map_err(|e| format!("unable to parse url: {e}"))?;
    let mut m = Map::new();
    let mut put = |k: &str, v: String| {
        m.insert(Arc::from(k), Value::from(v));
    };
    put("scheme", u.scheme.clone());
    put("host", u.host.clone());
    put("hostname", hostname(&u.host).to_owned());
    put("path", u.path.clone());
    put("query", u.raw_query.clone());
    put("opaque", u.opaque.clone());
    put("fragment", u.fragment.clone());
    put("userinfo", u.user.as_ref().map(userinfo_string).unwrap_or_default());
    Ok(Value::map(m))
}

/// Sprig's `dictGetOrEmpty`.
fn get_or_empty(d: &Value, key: &str) -> Result<String, FuncError> {
    let Value::Map(m) = d else { return Ok(String::new()) };
    match m.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(v) => match kind_name(&v) {
            Some(kind) => Err(format!("unable to parse {key} key, must be of type string, but {kind} found")),
            None => Err(super::cast::NIL_DEREFERENCE.to_owned()),
        },
    }
}

fn url_join(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let d = &a[0];
    let mut u = Url {
        scheme: get_or_empty(d, "scheme")?,
        host: get_or_empty(d, "host")?,
        path: get_or_empty(d, "path")?,
        raw_query: get_or_empty(d, "query")?,
        opaque: get_or_empty(d, "opaque")?,
        fragment: get_or_empty(d, "fragment")?,
        ..Url::default()
    };
    let userinfo = get_or_empty(d, "userinfo")?;
    if !userinfo.is_empty() {
        let temp =
            parse(&format!("proto://{userinfo}@host")).map_err(|e| format!("unable to parse userinfo in dict: {e}"))?;
        u.user = temp.user;
    }
    Ok(Value::from(to_string(&u)))
}
