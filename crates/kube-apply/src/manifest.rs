//! `Manifest` and `sort_manifests`: rendered templates split into documents, hooks apart, in Helm's kind order.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::head::SimpleHead;
use crate::hook::{
    HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION, HOOK_OUTPUT_LOG_POLICY_ANNOTATION, HOOK_WEIGHT_ANNOTATION, Hook,
    HookDeletePolicy, HookEvent, hook_weight,
};
use crate::kind_order::KindSortOrder;
use crate::split::split_manifests;

/// One document of a rendered template that is not a hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template it came from (Helm's `# Source:` path).
    pub name: String,
    /// The document's text, trimmed.
    pub content: String,
    /// Its apiVersion, kind, name and annotations.
    pub head: SimpleHead,
}

/// Hooks and plain manifests, each in the kind order asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SortedManifests {
    /// Documents annotated `helm.sh/hook` with known events.
    pub hooks: Vec<Hook>,
    /// Every other document.
    pub manifests: Vec<Manifest>,
}

/// Sorts rendered templates (path -> text) as Helm's `releaseutil.SortManifests`:
/// files by path, partials (`_*`) and blank files skipped, each file split
/// into documents, hooks apart (a hook naming an unknown event is dropped
/// entirely), then both lists stably sorted by kind.
pub fn sort_manifests(files: &BTreeMap<String, String>, order: KindSortOrder) -> Result<SortedManifests> {
    let mut sorted = SortedManifests::default();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for document in split_manifests(content) {
            let head = SimpleHead::parse(&document).map_err(|message| Error::Parse { path: path.clone(), message })?;
            match hook_of(&head, path, &document) {
                Classified::Hook(hook) => sorted.hooks.push(*hook),
                Classified::UnknownHook => {}
                Classified::Plain => sorted.manifests.push(Manifest { name: path.clone(), content: document, head }),
            }
        }
    }
    sorted.hooks.sort_by(|a, b| order.compare(&a.kind, &b.kind));
    sorted.manifests.sort_by(|a, b| order.compare(&a.head.kind, &b.head.kind));
    Ok(sorted)
}

/// Splits a release's stored manifest (`---\n# Source: ...` documents) and
/// sorts it as an uninstall or upgrade does: each document is named
/// `manifest-N` in stream order, as Helm's `SplitManifests` names them.
pub fn sort_release_manifest(manifest: &str, order: KindSortOrder) -> Result<SortedManifests> {
    let mut sorted = SortedManifests::default();
    for (i, document) in split_manifests(manifest).into_iter().enumerate() {
        let name = format!("manifest-{i}");
        let head = SimpleHead::parse(&document).map_err(|message| Error::Parse { path: name.clone(), message })?;
        match hook_of(&head, &name, &document) {
            Classified::Hook(hook) => sorted.hooks.push(*hook),
            Classified::UnknownHook => {}
            Classified::Plain => sorted.manifests.push(Manifest { name, content: document, head }),
        }
    }
    sorted.hooks.sort_by(|a, b| order.compare(&a.kind, &b.kind));
    sorted.manifests.sort_by(|a, b| order.compare(&a.head.kind, &b.head.kind));
    Ok(sorted)
}

enum Classified {
    Hook(Box<Hook>),
    UnknownHook,
    Plain,
}

fn hook_of(head: &SimpleHead, path: &str, document: &str) -> Classified {
    if !head.has_any_annotation() {
        return Classified::Plain;
    }
    let Some(events_text) = head.annotation(HOOK_ANNOTATION) else {
        return Classified::Plain;
    };
    let mut events = Vec::new();
    for name in events_text.split(',') {
        match HookEvent::parse(&name.trim().to_lowercase()) {
            Some(event) => events.push(event),
            None => return Classified::UnknownHook,
        }
    }
    let list = |key: &str| -> Vec<String> {
        head.annotation(key).map(|text| text.split(',').map(|p| p.trim().to_lowercase()).collect()).unwrap_or_default()
    };
    Classified::Hook(Box::new(Hook {
        name: head.name().to_owned(),
        kind: head.kind.clone(),
        path: path.to_owned(),
        manifest: document.to_owned(),
        events,
        weight: head.annotation(HOOK_WEIGHT_ANNOTATION).map_or(0, hook_weight),
        delete_policies: list(HOOK_DELETE_POLICY_ANNOTATION).iter().map(|p| HookDeletePolicy::parse(p)).collect(),
        output_log_policies: list(HOOK_OUTPUT_LOG_POLICY_ANNOTATION),
    }))
}
