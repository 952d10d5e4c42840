//! Fix text shared by several rules.

/// The handler chained onto a floating promise (CIO007, CIO014).
pub const CATCH_HANDLER: &str = ".catch((err) => console.error(\"Customer.io call failed\", err))";
