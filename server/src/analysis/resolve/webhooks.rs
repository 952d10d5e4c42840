//! Customer.io's signed webhooks, as a file's text shows them: `verifyRequestSignature` from
//! `customerio-node` ≥ 5.2, or a hand-made check of the `X-CIO-Signature` header (HMAC-SHA256
//! of `v0:<X-CIO-Timestamp>:<raw body>`). CIO019 checks the code around them; CIO008 counts a
//! verified webhook that reads bounce metrics as bounce handling.

/// The SDK's helper.
pub const VERIFY_FUNCTION: &str = "verifyRequestSignature";

/// The functions a signature check calls: the SDK's helper, Node's HMAC.
pub const SIGNATURE_FUNCTIONS: &[&str] = &[VERIFY_FUNCTION, "createHmac"];

/// The spellings of the signature and timestamp headers met in code (Node lower-cases
/// incoming header names; `req.get()` and `Headers.get()` take any case).
pub const SIGNATURE_HEADERS: &[&str] = &[
    "x-cio-signature",
    "X-CIO-Signature",
    "X-Cio-Signature",
    "X-CIO-SIGNATURE",
    "x-cio-timestamp",
    "X-CIO-Timestamp",
    "X-Cio-Timestamp",
    "X-CIO-TIMESTAMP",
];

/// Whether `source` calls `customerio-node`'s `verifyRequestSignature` (the name alone is
/// not enough: Facebook's Messenger samples have a function of that name).
pub fn uses_sdk_verification(source: &str) -> bool {
    source.contains(VERIFY_FUNCTION) && source.contains("customerio-node")
}

/// Whether `source` reads Customer.io's signature or timestamp header: a hand-made check.
pub fn names_signature_header(source: &str) -> bool {
    SIGNATURE_HEADERS
        .iter()
        .any(|header| source.contains(header))
}

/// Whether `source` handles Customer.io's signed webhooks in either way.
pub fn handles_signed_webhooks(source: &str) -> bool {
    uses_sdk_verification(source) || names_signature_header(source)
}
