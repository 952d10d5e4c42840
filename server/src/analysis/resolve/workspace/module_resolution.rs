//! Which file an import names: the candidates tried for a specifier's base path (extensions,
//! `index` files, `.js` written for a `.ts` source), lexical normalisation, and the memo of
//! resolutions with exactly the entries a file entering or leaving the index may change.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::cache::Cache;

/// Module resolutions made so far: for an import's base path (its target, before extensions
/// and `index` files are tried), the file of the index it names. Resolving tries up to 17
/// candidate paths, each lookup comparing paths component by component, and every file asks
/// again for each of its imports in each pass (measured: 83 M instructions of the dense
/// benchmark). A file entering or leaving the index forgets only the bases that may name it
/// ([`bases_that_may_name`]).
#[derive(Default, Clone, Debug)]
pub(super) struct ResolveMemo(Cache<HashMap<PathBuf, Option<PathBuf>>>);

impl ResolveMemo {
    pub(super) fn get_or_insert_with(
        &self,
        base: &Path,
        resolve: impl FnOnce() -> Option<PathBuf>,
    ) -> Option<PathBuf> {
        if let Some(known) = self.0.lock().get(base) {
            return known.clone();
        }
        // Resolved without the lock: two threads may both resolve a base, never wait on it.
        let module = resolve();
        self.0.lock().insert(base.to_path_buf(), module.clone());
        module
    }

    /// Forgets what the bases that may name `path` resolved to (`path` came or went).
    pub(super) fn forget(&mut self, path: &Path) {
        let memo = self.0.get_mut();
        if memo.is_empty() {
            return;
        }
        match bases_that_may_name(path) {
            Some(bases) => bases.iter().for_each(|base| {
                memo.remove(base);
            }),
            None => memo.clear(),
        }
    }
}

/// The files an import of `base` may name, in the order they are tried: `base` itself, then
/// with each source extension, then its `index` file. `./cio.js` written for a `.ts` source
/// (TypeScript's ESM convention) tries `./cio.ts`.
pub(super) fn module_candidates(base: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    let stem = if has_extension(base, JS_EXTENSIONS) {
        base.with_extension("")
    } else {
        base.to_path_buf()
    };
    let with_extension = RESOLVE_EXTENSIONS.iter().map({
        let stem = stem.clone();
        move |ext| with_added_extension(&stem, ext)
    });
    let index_file = RESOLVE_EXTENSIONS
        .iter()
        .map(move |ext| stem.join(format!("index.{ext}")));
    std::iter::once(base.to_path_buf())
        .chain(with_extension)
        .chain(index_file)
}

/// Every base whose [`module_candidates`] hold `path`: the inverse of `module_candidates`, so
/// that the memo forgets exactly the answers that a new or removed `path` may change. `None`
/// for a path that is not UTF-8 (the memo then forgets everything).
fn bases_that_may_name(path: &Path) -> Option<Vec<PathBuf>> {
    let text = path.to_str()?;
    let mut bases = vec![path.to_path_buf()];
    // The text before `.ts`, `.js`…, as `with_added_extension` appended it (so also `` of `.ts`).
    let Some(stem) = RESOLVE_EXTENSIONS
        .iter()
        .find_map(|ext| text.strip_suffix(ext)?.strip_suffix('.'))
        .map(PathBuf::from)
    else {
        return Some(bases);
    };
    let mut stems = vec![stem.clone()];
    if stem.file_name().is_some_and(|name| name == "index") {
        stems.extend(stem.parent().map(Path::to_path_buf));
    }
    for stem in stems {
        bases.extend(
            JS_EXTENSIONS
                .iter()
                .map(|ext| with_added_extension(&stem, ext)),
        );
        bases.push(stem);
    }
    Some(bases)
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| extensions.contains(&ext))
}

/// Extensions tried when resolving an import specifier without one.
pub(super) const RESOLVE_EXTENSIONS: &[&str] =
    &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// Extensions an import may write for a TypeScript source (`./cio.js` for `cio.ts`).
const JS_EXTENSIONS: &[&str] = &["js", "mjs", "cjs"];

/// Lexical path normalisation (`a/./b/../c` → `a/c`); never touches the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn with_added_extension(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_base_that_may_name_a_file_is_forgotten_when_it_comes_or_goes() {
        let bases = [
            "ws/src/lib/cio",
            "ws/src/lib/cio.js",
            "ws/src/lib/cio.mjs",
            "ws/src/lib/cio.ts",
            "ws/src/lib/cio.json",
            "ws/src/lib",
            "ws/src/lib.cjs",
            "ws/src/lib/index",
            "ws/src/a.b",
            "index",
            "",
        ];
        for base in bases.map(Path::new) {
            for candidate in module_candidates(base) {
                assert!(
                    bases_that_may_name(&candidate)
                        .is_some_and(|bases| bases.contains(&base.to_path_buf())),
                    "{} may name {} but is not forgotten with it",
                    base.display(),
                    candidate.display()
                );
            }
        }
    }
}
