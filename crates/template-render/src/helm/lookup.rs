//! `lookup`, which reads an object from the cluster through a [`Lookup`] the caller provides, and
//! `getHostByName`, which resolves a name only when DNS is enabled.

use std::net::ToSocketAddrs;

use crate::exec::CallContext;
use crate::registry::FuncError;
use crate::value::Value;

use super::HelmHost;

/// Reads cluster objects for `lookup API_VERSION KIND NAMESPACE NAME`.
///
/// An empty NAME lists the objects (Helm returns the list object: `apiVersion`, `kind`,
/// `items`...); a missing object is an empty map, not an error, as in Helm.
pub trait Lookup: Send + Sync {
    /// The object (or list) as a map, or Helm's error text.
    fn lookup(&self, api_version: &str, kind: &str, namespace: &str, name: &str) -> Result<chart_model::Map, String>;
}

/// The lookup of a render without a cluster (`helm template`, lint): always an empty map.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCluster;

impl Lookup for NoCluster {
    fn lookup(&self, _: &str, _: &str, _: &str, _: &str) -> Result<chart_model::Map, String> {
        Ok(chart_model::Map::new())
    }
}

pub(super) fn lookup(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let s = |i: usize| a[i].as_str().unwrap_or("");
    let host = ctx.host::<HelmHost>();
    let client = match host {
        Some(h) if !h.lint_mode => h.lookup.as_ref(),
        _ => None,
    };
    let Some(client) = client else { return Ok(Value::map(Default::default())) };
    let map = client.lookup(s(0), s(1), s(2), s(3))?;
    Ok(Value::from(&map))
}

pub(super) fn get_host_by_name(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    if !ctx.host::<HelmHost>().is_some_and(|h| h.enable_dns) {
        return Ok(Value::string(""));
    }
    let name = a[0].as_str().unwrap_or("");
    let addr = (name, 0).to_socket_addrs().ok().and_then(|mut addrs| addrs.next());
    Ok(Value::from(addr.map(|a| a.ip().to_string()).unwrap_or_default()))
}
