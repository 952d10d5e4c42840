//! A user rule shared by the configuration tests and the LSP tests (`#[path]`-included by
//! both): it flags `destroy` on a Track client and offers `suppress` instead.

pub const DESTROY_QUERY: &str = r#"; Deleting a person instead of suppressing them.
((call_expression
   function: (member_expression
     object: (_) @client
     property: (property_identifier) @method)
   arguments: (arguments . (_) @person)) @report
 (#eq? @method "destroy")
 (#cio-client? @client "track"))
"#;

pub const DESTROY_META: &str = r#"id = "ACME001"
name = "no-destroy"
severity = "warning"
message = "`{{method}}` deletes {{person}} and their history; suppress them instead"
docs = """
# ACME001 no-destroy

We keep people's history for audits: suppress, never destroy.
"""
fix = "{{client}}.suppress({{person}})"
"#;
