//! Our predicates (`#cio-client?`, `#cio-new?`, `#cio-call?`, `#cio-helper?`,
//! `#cio-routed?`, `#cio-webhook?`): read from a compiled query, and checked against client
//! resolution (or the file's webhook handling) after tree-sitter's own.

use tree_sitter::{Node, Query, QueryPredicateArg};

use crate::analysis::resolve::{webhooks, Bindings, CallRole, CioCall, Sdk};
use crate::analysis::syntax::{unwrap_expression, FieldExt};

/// A predicate of ours, attached to one pattern.
#[derive(Debug, Clone)]
pub(super) enum CioPredicate {
    Client {
        capture: u32,
        families: Vec<String>,
    },
    New {
        capture: u32,
        families: Vec<String>,
    },
    Call {
        capture: u32,
        families: Vec<String>,
    },
    Helper {
        capture: u32,
    },
    /// A call that reaches Customer.io another way than a client's method, carrying one of
    /// `roles` (any role when empty).
    Routed {
        capture: u32,
        roles: Vec<CallRole>,
    },
    /// The file handles Customer.io's signed webhooks (`resolve::webhooks`): the patterns of
    /// signature checks, which involve no client.
    Webhook {
        capture: u32,
    },
}

pub(super) fn cio_predicates(query: &Query, pattern: usize) -> Vec<CioPredicate> {
    query
        .general_predicates(pattern)
        .iter()
        .filter_map(|predicate| {
            let mut args = predicate.args.iter();
            let capture = match args.next()? {
                QueryPredicateArg::Capture(index) => *index,
                QueryPredicateArg::String(_) => return None,
            };
            let families = args
                .filter_map(|arg| match arg {
                    QueryPredicateArg::String(s) => Some(s.to_string()),
                    QueryPredicateArg::Capture(_) => None,
                })
                .collect();
            match &*predicate.operator {
                "cio-client?" => Some(CioPredicate::Client { capture, families }),
                "cio-new?" => Some(CioPredicate::New { capture, families }),
                "cio-call?" => Some(CioPredicate::Call { capture, families }),
                "cio-helper?" => Some(CioPredicate::Helper { capture }),
                "cio-routed?" => Some(CioPredicate::Routed {
                    capture,
                    roles: families
                        .iter()
                        .filter_map(|r| CallRole::from_name(r))
                        .collect(),
                }),
                "cio-webhook?" => Some(CioPredicate::Webhook { capture }),
                _ => None,
            }
        })
        .collect()
}

/// The clients that one query run's predicates found, by the predicate's kind and the captured
/// node: the patterns that match around one mention mostly ask about the same call, and its
/// resolution (fields, unwrapping, the bindings' memo) cost more than the matching around it.
#[derive(Default)]
pub(super) struct Resolved {
    answers: Vec<(std::mem::Discriminant<CioPredicate>, usize, Option<Sdk>)>,
    /// Whether the file handles signed webhooks: one text search per run, not per match.
    webhooks: std::cell::OnceCell<bool>,
}

impl Resolved {
    fn get_or(
        &mut self,
        predicate: &CioPredicate,
        node: Node,
        resolve: impl FnOnce() -> Option<Sdk>,
    ) -> Option<Sdk> {
        let key = (std::mem::discriminant(predicate), node.id());
        if let Some(&(_, _, sdk)) = self.answers.iter().find(|a| (a.0, a.1) == key) {
            return sdk;
        }
        let sdk = resolve();
        self.answers.push((key.0, key.1, sdk));
        sdk
    }
}

pub(super) fn predicate_holds(
    predicate: &CioPredicate,
    captures: &[tree_sitter::QueryCapture],
    bindings: &Bindings,
    source: &str,
    resolved: &mut Resolved,
) -> bool {
    let (capture, families) = match predicate {
        CioPredicate::Client { capture, families }
        | CioPredicate::New { capture, families }
        | CioPredicate::Call { capture, families } => (*capture, families.as_slice()),
        CioPredicate::Helper { capture }
        | CioPredicate::Routed { capture, .. }
        | CioPredicate::Webhook { capture } => (*capture, [].as_slice()),
    };
    let Some(node) = captures.iter().find(|c| c.index == capture).map(|c| c.node) else {
        return false;
    };
    match predicate {
        CioPredicate::Routed { roles, .. } => {
            return CioCall::from_call(unwrap_expression(node), bindings, source)
                .is_some_and(|call| call.is_routed() && call.has_any_role(roles, source));
        }
        CioPredicate::Helper { .. } => {
            let name = source.get(node.byte_range()).unwrap_or("");
            return bindings.awaiting_helper(name).is_some();
        }
        CioPredicate::Webhook { .. } => {
            return *resolved
                .webhooks
                .get_or_init(|| webhooks::handles_signed_webhooks(source));
        }
        _ => {}
    }
    let sdk = resolved.get_or(predicate, node, || match predicate {
        CioPredicate::Client { .. } => bindings.resolve(node, source),
        CioPredicate::New { .. } => bindings.constructed_sdk(unwrap_expression(node), source),
        CioPredicate::Call { .. } => unwrap_expression(node)
            .field("function")
            .and_then(|f| unwrap_expression(f).field("object"))
            .and_then(|receiver| bindings.resolve(receiver, source)),
        CioPredicate::Helper { .. }
        | CioPredicate::Routed { .. }
        | CioPredicate::Webhook { .. } => None,
    });
    sdk.is_some_and(|sdk| in_families(sdk, families))
}

fn in_families(sdk: Sdk, families: &[String]) -> bool {
    families.is_empty() || families.iter().any(|family| sdk.in_family(family))
}
