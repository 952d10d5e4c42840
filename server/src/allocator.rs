//! mimalloc for tree-sitter's C allocations in `cio-lsp check` ([`install_for_tree_sitter`]).
//!
//! `check` keeps the trees of files that import workspace modules until the workspace is
//! indexed, and by then the system allocator's heap is fragmented: tree-sitter's parses in
//! `check` spent four times as much in `malloc` as the same parses one file at a time, and
//! the first large allocations after the trees were freed paid for consolidating the free
//! lists. With mimalloc, `check` runs 7% fewer instructions and bare parsing 5% fewer
//! (docs/performance.md).
//!
//! Only there: the language server keeps the system allocator, since mimalloc as Rust's
//! global allocator gave keystroke latencies of 30–60 ms now and then (5 ms without), and
//! mimalloc for Rust's allocations in `check` saved only another 1%.

use std::ffi::c_void;

/// Routes tree-sitter's allocations to mimalloc.
///
/// # Safety
///
/// Must run before tree-sitter allocates anything in this process (no parser, tree, query
/// or cursor may exist yet, nor be created concurrently): memory that tree-sitter allocated
/// with the previous allocator would be freed with this one.
pub unsafe fn install_for_tree_sitter() {
    // SAFETY: the caller guarantees that no tree-sitter memory exists yet; the functions have
    // the C allocator signatures tree-sitter expects.
    unsafe {
        tree_sitter::set_allocator(
            Some(libmimalloc_sys::mi_malloc),
            Some(zeroed_array),
            Some(libmimalloc_sys::mi_realloc),
            Some(libmimalloc_sys::mi_free),
        );
    }
}

/// `calloc` over mimalloc (the crate's own `mi_calloc` needs its `extended` feature).
unsafe extern "C" fn zeroed_array(count: usize, size: usize) -> *mut c_void {
    match count.checked_mul(size) {
        // SAFETY: `mi_zalloc` takes any size and returns null when it cannot allocate.
        Some(total) => unsafe { libmimalloc_sys::mi_zalloc(total) },
        None => std::ptr::null_mut(),
    }
}
