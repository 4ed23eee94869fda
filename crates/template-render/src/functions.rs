//! The names of the functions a Helm template may call, which the parser checks as Go does.

/// A set of function names known to the parser; shared, as files may be parsed on several threads.
pub trait FunctionNames: Sync {
    /// Whether `name` is a function.
    fn contains(&self, name: &str) -> bool;

    /// Where `name` is, when these names are a function map, and the name as the map holds it:
    /// the parser records both, so that execution need not look the name up again.
    fn resolve(&self, _name: &str) -> Option<(crate::registry::Resolved, &'static str)> {
        None
    }

    /// The name as these names hold it for the life of the program, if they do: the parser
    /// then keeps it rather than a copy.
    fn static_name(&self, _name: &str) -> Option<&'static str> {
        None
    }
}

/// Helm's function map: Go's builtins, Sprig's `TxtFuncMap` less `env` and `expandenv`,
/// and Helm's own (`include`, `tpl`, `required`, `lookup`, `toYaml`...), as in Helm v3.22
/// with Sprig v3.3.0. Sorted, for binary search.
pub const HELM_FUNCTIONS: &HelmFunctions = &HelmFunctions(&[
    "abbrev",
    "abbrevboth",
    "add",
    "add1",
    "add1f",
    "addf",
    "adler32sum",
    "ago",
    "all",
    "and",
    "any",
    "append",
    "atoi",
    "b32dec",
    "b32enc",
    "b64dec",
    "b64enc",
    "base",
    "bcrypt",
    "biggest",
    "buildCustomCert",
    "call",
    "camelcase",
    "cat",
    "ceil",
    "chunk",
    "clean",
    "coalesce",
    "compact",
    "concat",
    "contains",
    "date",
    "dateInZone",
    "dateModify",
    "date_in_zone",
    "date_modify",
    "decryptAES",
    "deepCopy",
    "deepEqual",
    "default",
    "derivePassword",
    "dict",
    "dig",
    "dir",
    "div",
    "divf",
    "duration",
    "durationRound",
    "empty",
    "encryptAES",
    "eq",
    "ext",
    "fail",
    "first",
    "float64",
    "floor",
    "fromJson",
    "fromJsonArray",
    "fromToml",
    "fromYaml",
    "fromYamlArray",
    "ge",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "get",
    "getHostByName",
    "gt",
    "has",
    "hasKey",
    "hasPrefix",
    "hasSuffix",
    "hello",
    "html",
    "htmlDate",
    "htmlDateInZone",
    "htpasswd",
    "include",
    "indent",
    "index",
    "initial",
    "initials",
    "int",
    "int64",
    "isAbs",
    "join",
    "js",
    "kebabcase",
    "keys",
    "kindIs",
    "kindOf",
    "last",
    "le",
    "len",
    "list",
    "lookup",
    "lower",
    "lt",
    "max",
    "maxf",
    "merge",
    "mergeOverwrite",
    "min",
    "minf",
    "mod",
    "mul",
    "mulf",
    "mustAppend",
    "mustChunk",
    "mustCompact",
    "mustDateModify",
    "mustDeepCopy",
    "mustFirst",
    "mustFromJson",
    "mustHas",
    "mustInitial",
    "mustLast",
    "mustMerge",
    "mustMergeOverwrite",
    "mustPrepend",
    "mustPush",
    "mustRegexFind",
    "mustRegexFindAll",
    "mustRegexMatch",
    "mustRegexReplaceAll",
    "mustRegexReplaceAllLiteral",
    "mustRegexSplit",
    "mustRest",
    "mustReverse",
    "mustSlice",
    "mustToDate",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "mustUniq",
    "mustWithout",
    "must_date_modify",
    "ne",
    "nindent",
    "nospace",
    "not",
    "now",
    "omit",
    "or",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "pick",
    "pluck",
    "plural",
    "prepend",
    "print",
    "printf",
    "println",
    "push",
    "quote",
    "randAlpha",
    "randAlphaNum",
    "randAscii",
    "randBytes",
    "randInt",
    "randNumeric",
    "regexFind",
    "regexFindAll",
    "regexMatch",
    "regexQuoteMeta",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
    "regexSplit",
    "repeat",
    "replace",
    "required",
    "rest",
    "reverse",
    "round",
    "semver",
    "semverCompare",
    "seq",
    "set",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "shuffle",
    "slice",
    "snakecase",
    "sortAlpha",
    "split",
    "splitList",
    "splitn",
    "squote",
    "sub",
    "subf",
    "substr",
    "swapcase",
    "ternary",
    "title",
    "toDate",
    "toDecimal",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "toString",
    "toStrings",
    "toToml",
    "toYaml",
    "toYamlPretty",
    "tpl",
    "trim",
    "trimAll",
    "trimPrefix",
    "trimSuffix",
    "trimall",
    "trunc",
    "tuple",
    "typeIs",
    "typeIsLike",
    "typeOf",
    "uniq",
    "unixEpoch",
    "unset",
    "until",
    "untilStep",
    "untitle",
    "upper",
    "urlJoin",
    "urlParse",
    "urlquery",
    "uuidv4",
    "values",
    "without",
    "wrap",
    "wrapWith",
]);

/// A sorted list of names, such as [`HELM_FUNCTIONS`].
#[derive(Debug)]
pub struct HelmFunctions(pub &'static [&'static str]);

impl FunctionNames for HelmFunctions {
    fn contains(&self, name: &str) -> bool {
        self.0.binary_search(&name).is_ok()
    }

    fn static_name(&self, name: &str) -> Option<&'static str> {
        self.0.binary_search(&name).ok().and_then(|i| self.0.get(i).copied())
    }
}

impl<S: std::hash::BuildHasher + Sync> FunctionNames for std::collections::HashSet<String, S> {
    fn contains(&self, name: &str) -> bool {
        std::collections::HashSet::contains(self, name)
    }
}

impl FunctionNames for &[&str] {
    fn contains(&self, name: &str) -> bool {
        <[&str]>::contains(self, &name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted() {
        assert!(HELM_FUNCTIONS.0.windows(2).all(|w| w[0] < w[1]));
        assert!(HELM_FUNCTIONS.contains("include"));
        assert!(HELM_FUNCTIONS.contains("printf"));
        assert!(!HELM_FUNCTIONS.contains("env"));
    }
}
