//! The summaries of a file's functions ([`crate::analysis::resolve::summaries`]): the
//! factories among them (functions that return a client, also one kept in a variable: a lazy
//! singleton's getter), then the functions whose promise waits on a Customer.io call or whose
//! parameters flow into one, round by round through the functions already summarised.

use std::collections::HashMap;
use std::sync::Arc;

use tree_sitter::Node;

use super::{Bindings, Constructs};
use crate::analysis::resolve::call::Resolver;
use crate::analysis::resolve::modules::ExportName;
use crate::analysis::resolve::scopes::{self, DeclarationKind};
use crate::analysis::resolve::sdk::Sdk;
use crate::analysis::resolve::summaries::collect::summarise_calls;
use crate::analysis::resolve::summaries::{
    CallSite, FunctionSummary, ReturnedClient, SummarisedCall, MAX_DEPTH,
};
use crate::analysis::syntax::{
    self, function_name, text, word_occurrences, FieldExt, KindExt, LineIndex, Location,
};

impl Resolver for Bindings {
    fn resolve(&self, node: Node, source: &str) -> Option<Sdk> {
        Bindings::resolve(self, node, source)
    }

    fn function(&self, name: &str) -> Option<&Arc<FunctionSummary>> {
        self.functions.get(name)
    }

    fn makes_direct_requests(&self) -> bool {
        self.direct_requests
    }
}

impl Bindings {
    /// Summarises the file's functions: factories first (their results are clients that the
    /// wrappers may call), then waits and wrappers, each round following the functions that
    /// the round before summarised, to [`MAX_DEPTH`] levels.
    pub(super) fn summarise_functions(&mut self, root: Node, source: &str) {
        self.find_factories(root, source);
        let mut local: HashMap<String, FunctionSummary> = HashMap::new();
        for (name, returned) in std::mem::take(&mut self.returned) {
            local
                .entry(name)
                .or_default()
                .returns
                .get_or_insert(returned);
        }
        self.publish(&local, local.keys().cloned().collect());
        let mut names: Vec<String> = self
            .client_names()
            .chain(self.constructor_names())
            .map(str::to_string)
            .chain(["_cio", "cioanalytics"].map(String::from))
            .chain(self.http_client_names().iter().map(|n| n.to_string()))
            .chain(self.functions.keys().cloned())
            .collect();
        names.sort_unstable();
        names.dedup();
        for _ in 0..MAX_DEPTH {
            let searched: Vec<&str> = names.iter().map(String::as_str).collect();
            let found = summarise_calls(self, root, source, &searched, &local);
            if found.is_empty() {
                break;
            }
            names = found.keys().cloned().collect();
            for (name, summary) in found {
                let entry = local.entry(name).or_default();
                merge(entry, summary);
            }
            self.publish(&local, names.clone());
        }
    }

    /// Makes the summaries of `names` visible to resolution (and to the next round).
    fn publish(&mut self, local: &HashMap<String, FunctionSummary>, names: Vec<String>) {
        for name in names {
            if let Some(summary) = local.get(&name) {
                self.functions.insert(name, Arc::new(summary.clone()));
            }
        }
    }

    /// Functions that return a client kept in a name (`return client`, `return this.cio`,
    /// `return client ?? (client = new TrackClient())`) are factories too, like those that
    /// return a new one (found with the constructions): their callers' results are clients,
    /// which may make more factories.
    fn find_factories(&mut self, root: Node, source: &str) {
        for _ in 0..MAX_DEPTH {
            let mut found: Vec<(String, ReturnedClient)> = Vec::new();
            let names: Vec<String> = self.client_names().map(str::to_string).collect();
            for name in &names {
                for offset in word_occurrences(source, name) {
                    found.extend(self.returned_client_at(root, source, offset, name));
                }
            }
            let mut new_factory = false;
            for (name, returned) in found {
                if self.constructors.contains_key(&name) {
                    continue;
                }
                self.constructors
                    .insert(name.clone(), Constructs::Factory(returned.sdk));
                self.returned.push((name, returned));
                new_factory = true;
            }
            if !new_factory {
                break;
            }
            self.find_constructions(root, source);
        }
    }

    /// The function and client when the name at `offset` is what a function returns.
    fn returned_client_at(
        &self,
        root: Node,
        source: &str,
        offset: usize,
        name: &str,
    ) -> Option<(String, ReturnedClient)> {
        let mut node = syntax::descendant_for_byte_range(root, offset, offset + name.len())?;
        // `this.cio`: the name is the member's property.
        if let Some(member) = syntax::parent(node)
            .filter(|p| p.kind_name() == "member_expression" && p.field("property") == Some(node))
        {
            node = member;
        }
        let mut value = node;
        while let Some(parent) = syntax::parent(value) {
            match parent.kind_name() {
                "parenthesized_expression"
                | "await_expression"
                | "as_expression"
                | "non_null_expression"
                | "satisfies_expression"
                | "binary_expression"
                | "ternary_expression" => value = parent,
                // `return client ??= new TrackClient(…)`, `return (client = …)`: the
                // assignment's value is the client either side names.
                "assignment_expression" | "augmented_assignment_expression" => value = parent,
                _ => break,
            }
        }
        let parent = syntax::parent(value)?;
        let function = match parent.kind_name() {
            "return_statement" => syntax::enclosing_function(parent)?,
            "arrow_function" if parent.field("body") == Some(value) => parent,
            _ => return None,
        };
        if function.kind_name() == "method_definition" {
            return None;
        }
        let factory = function_name(function, source)?;
        let sdk = self.value_sdk(value, source)?;
        let fresh = self.is_made_per_call(node, function, source);
        Some((factory.to_string(), ReturnedClient { sdk, fresh }))
    }

    /// Whether the returned `node` names a local of `function` that each call initialises
    /// with a new client (`const client = new TrackClient(…); return client;`).
    fn is_made_per_call(&self, node: Node, function: Node, source: &str) -> bool {
        if node.kind_name() != "identifier" {
            return false;
        }
        let name = text(node, source);
        let at = node.byte_range();
        let statement = syntax::top_level_ancestor(node);
        let innermost = scopes::local_declarations(statement, name, source)
            .into_iter()
            .filter(|d| d.scope.start <= at.start && at.end <= d.scope.end)
            .min_by_key(|d| d.scope.len());
        let Some(declaration) = innermost else {
            return false;
        };
        let DeclarationKind::Local { declarator } = declaration.kind else {
            return false;
        };
        let inside = function.start_byte() <= declaration.scope.start
            && declaration.scope.end <= function.end_byte();
        let value = declarator.field("value").map(syntax::unwrap_expression);
        inside
            && value.is_some_and(|v| {
                v.kind_name() == "new_expression" && self.constructed_sdk(v, source).is_some()
            })
    }

    /// The summaries of the functions this file exports, with their call sites as locations
    /// of `path` (for the workspace index).
    pub fn exported_summaries(
        &self,
        path: &std::path::Path,
        source: &str,
    ) -> Vec<(ExportName, FunctionSummary)> {
        let mut line_index: Option<LineIndex> = None;
        let mut exported = Vec::new();
        for (export, local) in &self.exported_locals {
            let Some(summary) = self.functions.get(local) else {
                continue;
            };
            let mut summary = FunctionSummary::clone(summary);
            for call in summary_calls(&mut summary) {
                if let CallSite::Here(range) = &call.site {
                    let index = line_index.get_or_insert_with(|| LineIndex::new(source));
                    call.site = CallSite::There(Location::new(
                        path.to_path_buf(),
                        source,
                        index,
                        range.clone(),
                    ));
                }
            }
            exported.push((export.clone(), summary));
        }
        exported.sort_by(|a, b| a.0.cmp(&b.0));
        exported
    }

    /// The summary of the function this file knows as `name`.
    pub fn function_summary(&self, name: &str) -> Option<&FunctionSummary> {
        self.functions.get(name).map(Arc::as_ref)
    }

    /// The Customer.io call that the function this file knows as `name` waits on.
    pub fn awaiting_helper(&self, name: &str) -> Option<&SummarisedCall> {
        self.functions.get(name)?.waits_on.as_ref()
    }

    /// Functions whose promise waits on a Customer.io call, for the rules' range selection.
    pub fn awaiting_helper_names(&self) -> impl Iterator<Item = &str> {
        self.functions
            .iter()
            .filter(|(_, summary)| summary.waits_on.is_some())
            .map(|(name, _)| name.as_str())
    }

    /// Functions whose calls are Customer.io calls (wrappers), for the rules' range selection.
    pub fn wrapper_names(&self) -> impl Iterator<Item = &str> {
        self.functions
            .iter()
            .filter(|(_, summary)| summary.wraps.is_some())
            .map(|(name, _)| name.as_str())
    }

    /// Whether the summaries of `other` say the same about the same functions, wherever the
    /// calls are (byte ranges move with every edit).
    pub(super) fn same_functions(&self, other: &Bindings) -> bool {
        self.functions.len() == other.functions.len()
            && self.functions.iter().all(|(name, summary)| {
                other
                    .functions
                    .get(name)
                    .is_some_and(|theirs| same_shape(summary, theirs))
            })
    }
}

/// The summarised calls of a summary, to rewrite where they are.
fn summary_calls(summary: &mut FunctionSummary) -> impl Iterator<Item = &mut SummarisedCall> {
    summary
        .waits_on
        .iter_mut()
        .chain(summary.wraps.iter_mut().map(|w| &mut w.call))
}

/// Whether two summaries say the same, wherever their calls are in this file.
fn same_shape(a: &FunctionSummary, b: &FunctionSummary) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    for call in summary_calls(&mut a).chain(summary_calls(&mut b)) {
        if let CallSite::Here(range) = &mut call.site {
            *range = 0..0;
        }
    }
    a == b
}

/// Fills the fields of `into` that `from` has and it has not.
fn merge(into: &mut FunctionSummary, from: FunctionSummary) {
    if into.returns.is_none() {
        into.returns = from.returns;
    }
    if into.waits_on.is_none() {
        into.waits_on = from.waits_on;
    }
    if into.wraps.is_none() {
        into.wraps = from.wraps;
    }
}
