//! One allocator for the whole process: mimalloc, as Biome and oxc use, for Rust's allocations
//! (the binaries' `#[global_allocator]`) and for tree-sitter's C code ([`install_for_tree_sitter`]).
//!
//! Why both: `check` keeps every file's tree until the workspace rules have run, and with the
//! system allocator the C heap that tree-sitter parses into then fragments. Parsing in `check`
//! cost 20% more in the allocator than the same parses one file at a time, and a tenth of
//! `check`'s own work was the allocator consolidating its free lists (docs/performance.md).

use std::ffi::c_void;

/// Routes tree-sitter's allocations to mimalloc.
///
/// # Safety
///
/// Must run before tree-sitter allocates anything in this process (no parser, tree, query
/// or cursor may exist yet, nor be created concurrently): memory that tree-sitter allocated
/// with the previous allocator would be freed with this one. Call it first thing in `main`.
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
