//! `.Capabilities`: the Kubernetes version, the API versions and Helm's version a render
//! assumes, with the defaults of a released Helm v3.22.0 (`helm template` without a cluster).

use std::borrow::Cow;
use std::sync::Arc;

use crate::value::{GoType, Kind, Object, Signature, Value};

use super::objects::Struct;
use crate::helm::marshal::{JSON, StructField, struct_text};

/// Helm v3.22's default API versions: every group version client-go's scheme knows, in its
/// priority order (`chartutil.DefaultVersionSet`).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "lifecycle.k8s.io/v1alpha1",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// The default Kubernetes version of a released Helm v3.22.0: that of the client-go it is
/// built with (v0.37.0), stamped by Helm's Makefile.
pub const DEFAULT_KUBE_VERSION: &str = "v1.37.0";

/// `chartutil.KubeVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// `v1.37.0`.
    pub version: String,
    /// `1`.
    pub major: String,
    /// `37`.
    pub minor: String,
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion { version: DEFAULT_KUBE_VERSION.to_owned(), major: "1".to_owned(), minor: "37".to_owned() }
    }
}

impl KubeVersion {
    /// `chartutil.ParseKubeVersion` (Kubernetes' `version.ParseGeneric`): at least two numeric
    /// components, anything after them ignored; `1.28` becomes `v1.28`. The error is Go's.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let q = crate::quote::go_quote;
        let s = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
        let s = s.strip_prefix('v').unwrap_or(s);
        let bytes = s.as_bytes();
        let mut end = 0;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        if end == 0 {
            return Err(format!("could not parse {} as version", q(text)));
        }
        while end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
            end += 1;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
        }
        let components: Vec<&str> = s[..end].split('.').collect();
        if components.len() < 2 {
            return Err(format!("illegal version string {}", q(text)));
        }
        let mut nums = Vec::with_capacity(components.len());
        for (i, comp) in components.iter().enumerate() {
            if i == 0 && comp.starts_with('0') && *comp != "0" {
                return Err(format!("illegal zero-prefixed version component {} in {}", q(comp), q(text)));
            }
            let n: u64 = comp.parse().map_err(|_| {
                format!(
                    "illegal non-numeric version component {} in {}: strconv.ParseUint: parsing {}: value out of range",
                    q(comp),
                    q(text),
                    q(comp)
                )
            })?;
            nums.push(n.to_string());
        }
        Ok(KubeVersion { version: format!("v{}", nums.join(".")), major: nums[0].clone(), minor: nums[1].clone() })
    }
}

/// Helm's build information (`.Capabilities.HelmVersion`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmVersion {
    /// `v3.22.0`.
    pub version: String,
    /// The git commit Helm was built from.
    pub git_commit: String,
    /// `clean` for a release build.
    pub git_tree_state: String,
    /// The Go version Helm was compiled with.
    pub go_version: String,
}

impl Default for HelmVersion {
    fn default() -> Self {
        HelmVersion {
            version: "v3.22.0".to_owned(),
            git_commit: String::new(),
            git_tree_state: "clean".to_owned(),
            go_version: "go1.26.8".to_owned(),
        }
    }
}

/// What `.Capabilities` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// The Kubernetes version.
    pub kube_version: KubeVersion,
    /// The API versions (`--api-versions` are appended to Helm's defaults).
    pub api_versions: Vec<String>,
    /// Helm's version.
    pub helm_version: HelmVersion,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            kube_version: KubeVersion::default(),
            api_versions: DEFAULT_API_VERSIONS.iter().map(|s| (*s).to_owned()).collect(),
            helm_version: HelmVersion::default(),
        }
    }
}

impl Capabilities {
    /// The `*chartutil.Capabilities` value templates see, shared by renders with the same
    /// capabilities (host objects are never changed, so one value serves them all).
    pub fn shared_value(&self) -> Value {
        static LAST: std::sync::Mutex<Option<(Capabilities, Value)>> = std::sync::Mutex::new(None);
        let mut last = LAST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((caps, value)) = last.as_ref()
            && caps == self
        {
            return value.clone();
        }
        let value = self.to_value();
        *last = Some((self.clone(), value.clone()));
        value
    }

    /// The `*chartutil.Capabilities` value templates see.
    pub fn to_value(&self) -> Value {
        let kv = &self.kube_version;
        let hv = &self.helm_version;
        let apis = Value::object(VersionSet(Arc::from(self.api_versions.clone())));
        let helm = Value::object(Struct {
            type_name: "version.BuildInfo",
            pointer: false,
            fields: vec![
                ("Version", Value::string(&hv.version)),
                ("GitCommit", Value::string(&hv.git_commit)),
                ("GitTreeState", Value::string(&hv.git_tree_state)),
                ("GoVersion", Value::string(&hv.go_version)),
            ],
            json: &[("version", true), ("git_commit", true), ("git_tree_state", true), ("go_version", true)],
        });
        Value::object(CapabilitiesObject {
            kube_addressable: Value::object(KubeVersionObject { version: kv.clone(), addressable: true }),
            kube: Value::object(KubeVersionObject { version: kv.clone(), addressable: false }),
            apis,
            helm,
        })
    }
}

/// `*chartutil.Capabilities`. Its `KubeVersion` field, reached through the pointer, is
/// addressable: printed alone it shows `String()` (a pointer method); inside the struct, or
/// marshalled, it is the plain struct.
struct CapabilitiesObject {
    kube_addressable: Value,
    kube: Value,
    apis: Value,
    helm: Value,
}

impl std::fmt::Debug for CapabilitiesObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CapabilitiesObject")
    }
}

impl Object for CapabilitiesObject {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("*chartutil.Capabilities")
    }
    fn kind(&self) -> Kind {
        Kind::Pointer
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(self.kube_addressable.clone()),
            "APIVersions" => Some(self.apis.clone()),
            "HelmVersion" => Some(self.helm.clone()),
            _ => None,
        }
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        vec![
            (Cow::Borrowed("KubeVersion"), self.kube.clone()),
            (Cow::Borrowed("APIVersions"), self.apis.clone()),
            (Cow::Borrowed("HelmVersion"), self.helm.clone()),
        ]
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == JSON).then_some(Signature { params: &[], variadic: None })
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        if name != JSON {
            return Err(format!("no method {name}"));
        }
        let fields = self.fields();
        struct_text(fields.iter().map(|(n, v)| StructField::Field { name: n, value: v, omitempty: false }))
            .map(Value::from)
    }
}

/// `chartutil.KubeVersion`, addressable (its `String` and `GitVersion` have pointer receivers).
#[derive(Debug)]
struct KubeVersionObject {
    version: KubeVersion,
    /// Reached through a pointer, so `String()` applies when printed.
    addressable: bool,
}

impl Object for KubeVersionObject {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("chartutil.KubeVersion")
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::string(match name {
            "Version" => &self.version.version,
            "Major" => &self.version.major,
            "Minor" => &self.version.minor,
            _ => return None,
        }))
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        ["Version", "Major", "Minor"].iter().map(|f| (Cow::Borrowed(*f), self.field(f).unwrap_or_default())).collect()
    }
    fn method(&self, name: &str) -> Option<Signature> {
        // `String` and `GitVersion` have pointer receivers: only an addressable value has them.
        let found = name == JSON || (self.addressable && matches!(name, "String" | "GitVersion"));
        found.then_some(Signature { params: &[], variadic: None })
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        if name == JSON {
            let fields = self.fields();
            return struct_text(fields.iter().map(|(n, v)| StructField::Field { name: n, value: v, omitempty: false }))
                .map(Value::from);
        }
        Ok(Value::string(&self.version.version))
    }
    fn stringer(&self) -> Option<String> {
        self.addressable.then(|| self.version.version.clone())
    }
    fn unaddressed(&self) -> Option<Value> {
        self.addressable.then(|| Value::object(KubeVersionObject { version: self.version.clone(), addressable: false }))
    }
}

/// `chartutil.VersionSet`: a `[]string` with a `Has` method.
#[derive(Debug)]
struct VersionSet(Arc<[String]>);

impl Object for VersionSet {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("chartutil.VersionSet")
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn elements(&self) -> Option<Vec<Value>> {
        Some(self.0.iter().map(|s| Value::string(s)).collect())
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Has").then_some(Signature { params: &[GoType::String], variadic: None })
    }
    fn call_method(&self, _name: &str, args: &[Value]) -> Result<Value, String> {
        let want = args.first().and_then(Value::as_str).unwrap_or("");
        Ok(Value::Bool(self.0.iter().any(|v| v == want)))
    }
}
