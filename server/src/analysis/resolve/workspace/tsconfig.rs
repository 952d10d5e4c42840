//! `tsconfig.json` and `jsconfig.json`: the settings that bare imports follow as TypeScript
//! resolves them (`compilerOptions.baseUrl` and `paths`, inherited through `extends`), so that
//! `import { cio } from "lib/customerio"` with `baseUrl: "src"`, or `"@app/*"` in `paths`,
//! names a workspace module. A config that does not parse, or an `extends` that names a
//! package, resolves nothing: the import stays unknown.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::module_resolution::normalize;

/// The config file names that apply to the files of their folder and below, nearest first.
const CONFIG_NAMES: &[&str] = &["tsconfig.json", "jsconfig.json"];

/// How many configs an `extends` chain may hold (TypeScript reports a cycle; we stop).
const MAX_EXTENDS: usize = 8;

/// Whether `path` is a file these settings are read from: `tsconfig.json`, `jsconfig.json`,
/// and the files they extend by convention (`tsconfig.base.json`, `tsconfig.app.json`).
pub fn is_config_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with(".json") && (name.starts_with("tsconfig") || name.starts_with("jsconfig"))
}

/// One `paths` entry: a pattern (`@app/*`) and its targets (`src/app/*`), in order.
type PathPattern = (String, Vec<String>);

/// What one config file says about module resolution, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Config {
    base_url: Option<String>,
    /// `paths`, when the config sets it.
    paths: Option<Vec<PathPattern>>,
    /// The configs it extends, in order (a later one overrides an earlier one).
    extends: Vec<String>,
}

impl Config {
    fn parse(text: &str) -> Config {
        let Ok(value) = serde_json::from_str::<Value>(&strip_jsonc(text)) else {
            return Config::default();
        };
        let options = value.get("compilerOptions");
        let base_url = options
            .and_then(|o| o.get("baseUrl"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let paths = options
            .and_then(|o| o.get("paths"))
            .and_then(Value::as_object)
            .map(|paths| {
                paths
                    .iter()
                    .map(|(pattern, targets)| {
                        let targets = targets
                            .as_array()
                            .map(|t| t.iter().filter_map(Value::as_str).map(str::to_string))
                            .into_iter()
                            .flatten()
                            .collect();
                        (pattern.clone(), targets)
                    })
                    .collect()
            });
        let extends = match value.get("extends") {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(many)) => many
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        Config {
            base_url,
            paths,
            extends,
        }
    }
}

/// The settings that apply to a file, with every path made absolute.
#[derive(Debug, Default)]
struct Effective<'c> {
    base_url: Option<PathBuf>,
    /// The patterns, and the folder their targets are relative to.
    paths: Option<(&'c [PathPattern], PathBuf)>,
}

/// The configs of a workspace, by file path.
#[derive(Debug, Default, Clone)]
pub struct TsConfigs {
    configs: HashMap<PathBuf, Config>,
}

impl TsConfigs {
    pub fn set(&mut self, path: PathBuf, text: &str) {
        self.configs.insert(path, Config::parse(text));
    }

    pub fn remove(&mut self, path: &Path) {
        self.configs.remove(path);
    }

    /// The base paths that bare `specifier`, imported from a file of `dir`, may name, in the
    /// order TypeScript tries them: the targets of the `paths` pattern that matches it with the
    /// longest prefix, then the specifier under `baseUrl`.
    pub fn candidate_bases(&self, dir: &Path, root: &Path, specifier: &str) -> Vec<PathBuf> {
        let Some(settings) = self.effective(dir, root) else {
            return Vec::new();
        };
        let mut bases = Vec::new();
        if let Some((patterns, targets_dir)) = &settings.paths {
            if let Some((targets, star)) = best_match(patterns, specifier) {
                bases.extend(
                    targets
                        .iter()
                        .map(|target| normalize(&targets_dir.join(target.replacen('*', star, 1)))),
                );
            }
        }
        if let Some(base_url) = &settings.base_url {
            bases.push(normalize(&base_url.join(specifier)));
        }
        bases
    }

    /// Whether bare `specifier` may name a workspace module from a file of `dir`: a `paths`
    /// pattern matches it, or a `baseUrl` applies (any bare name may be a file under it).
    pub fn may_name_module(&self, dir: &Path, root: &Path, specifier: &str) -> bool {
        !self.configs.is_empty() && !self.candidate_bases(dir, root, specifier).is_empty()
    }

    /// The settings of the nearest config at or above `dir` (up to `root`), through its
    /// `extends` chain.
    fn effective(&self, dir: &Path, root: &Path) -> Option<Effective<'_>> {
        if self.configs.is_empty() {
            return None;
        }
        let nearest = dir
            .ancestors()
            .take_while(|d| d.starts_with(root) || root.as_os_str().is_empty())
            .find_map(|d| {
                CONFIG_NAMES
                    .iter()
                    .map(|name| d.join(name))
                    .find(|path| self.configs.contains_key(path))
            })?;
        let mut settings = Effective::default();
        // The chain, child first: the first config that sets an option decides it.
        let mut pending = vec![nearest];
        let mut visited = 0;
        while let Some(path) = pending.pop() {
            visited += 1;
            if visited > MAX_EXTENDS {
                break;
            }
            let Some(config) = self.configs.get(&path) else {
                continue;
            };
            let config_dir = path.parent().unwrap_or(Path::new(""));
            if settings.base_url.is_none() {
                settings.base_url = config.base_url.as_ref().map(|b| config_dir.join(b));
            }
            if settings.paths.is_none() {
                if let Some(paths) = &config.paths {
                    settings.paths = Some((paths.as_slice(), config_dir.to_path_buf()));
                }
            }
            // A later entry of `extends` overrides an earlier one: it is read first.
            pending.extend(
                config
                    .extends
                    .iter()
                    .filter_map(|extended| self.extended_path(config_dir, extended)),
            );
        }
        // `paths` targets are relative to `baseUrl` when one is set.
        if let (Some((_, targets_dir)), Some(base_url)) = (&mut settings.paths, &settings.base_url)
        {
            *targets_dir = base_url.clone();
        }
        Some(settings)
    }

    /// The config file that `extends` names from a config in `dir`, when it is a relative path
    /// of the workspace (`./tsconfig.base.json`, `../../tsconfig`).
    fn extended_path(&self, dir: &Path, extended: &str) -> Option<PathBuf> {
        if !(extended.starts_with("./") || extended.starts_with("../")) {
            return None;
        }
        let path = normalize(&dir.join(extended));
        if self.configs.contains_key(&path) {
            return Some(path);
        }
        let with_json = normalize(&dir.join(format!("{extended}.json")));
        self.configs.contains_key(&with_json).then_some(with_json)
    }
}

/// The targets of the pattern that matches `specifier` (an exact pattern, else the one with
/// the longest prefix before its `*`), and the text the `*` stands for.
fn best_match<'p, 's>(
    patterns: &'p [PathPattern],
    specifier: &'s str,
) -> Option<(&'p [String], &'s str)> {
    if let Some((_, targets)) = patterns.iter().find(|(pattern, _)| pattern == specifier) {
        return Some((targets, ""));
    }
    patterns
        .iter()
        .filter_map(|(pattern, targets)| {
            let (prefix, suffix) = pattern.split_once('*')?;
            let star = specifier.strip_prefix(prefix)?.strip_suffix(suffix)?;
            Some((prefix.len(), targets.as_slice(), star))
        })
        .max_by_key(|(prefix_len, _, _)| *prefix_len)
        .map(|(_, targets, star)| (targets, star))
}

/// JSON with comments and trailing commas (what tsconfig files are) as plain JSON: comments
/// become spaces, a comma before `}` or `]` is dropped.
fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut previous = ' ';
                for skipped in chars.by_ref() {
                    if previous == '*' && skipped == '/' {
                        break;
                    }
                    previous = skipped;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    drop_trailing_commas(&out)
}

/// Drops each comma that only whitespace separates from a closing `}` or `]` (outside
/// strings).
fn drop_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            out.push(c);
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        let trailing = c == ',' && text[i + 1..].trim_start().starts_with(['}', ']']);
        if !trailing {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configs(files: &[(&str, &str)]) -> TsConfigs {
        let mut configs = TsConfigs::default();
        for (path, text) in files {
            configs.set(PathBuf::from(path), text);
        }
        configs
    }

    fn bases(configs: &TsConfigs, dir: &str, specifier: &str) -> Vec<String> {
        configs
            .candidate_bases(Path::new(dir), Path::new("/w"), specifier)
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn base_url_names_bare_paths_under_it() {
        let c = configs(&[(
            "/w/tsconfig.json",
            r#"{ "compilerOptions": { "baseUrl": "src" } }"#,
        )]);
        assert_eq!(
            bases(&c, "/w/src/routes", "lib/customerio"),
            ["/w/src/lib/customerio"]
        );
    }

    #[test]
    fn the_longest_paths_prefix_wins_and_targets_follow_base_url() {
        let c = configs(&[(
            "/w/tsconfig.json",
            r#"{
              // comments and trailing commas, as tsconfig files have them
              "compilerOptions": {
                "baseUrl": ".",
                "paths": { "@/*": ["src/*"], "@/lib/*": ["packages/lib/*", "vendor/*"], },
              },
            }"#,
        )]);
        assert_eq!(
            bases(&c, "/w/src", "@/lib/cio"),
            ["/w/packages/lib/cio", "/w/vendor/cio", "/w/@/lib/cio"]
        );
        assert_eq!(bases(&c, "/w/src", "@/x"), ["/w/src/x", "/w/@/x"]);
    }

    #[test]
    fn paths_without_base_url_are_relative_to_their_config() {
        let c = configs(&[(
            "/w/apps/web/jsconfig.json",
            r#"{ "compilerOptions": { "paths": { "~lib/*": ["./lib/*"] } } }"#,
        )]);
        assert_eq!(
            bases(&c, "/w/apps/web/pages", "~lib/cio"),
            ["/w/apps/web/lib/cio"]
        );
        assert!(bases(&c, "/w/apps/web", "react").is_empty());
        assert!(bases(&c, "/w/other", "~lib/cio").is_empty());
    }

    #[test]
    fn extends_chains_inherit_what_the_child_does_not_set() {
        let c = configs(&[
            (
                "/w/tsconfig.base.json",
                r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@shared/*": ["shared/*"] } } }"#,
            ),
            (
                "/w/apps/api/tsconfig.json",
                r#"{ "extends": "../../tsconfig.base", "compilerOptions": { "strict": true } }"#,
            ),
            (
                "/w/apps/web/tsconfig.json",
                r#"{ "extends": ["../../tsconfig.base.json"], "compilerOptions": { "baseUrl": "src" } }"#,
            ),
        ]);
        assert_eq!(
            bases(&c, "/w/apps/api/src", "@shared/cio"),
            ["/w/shared/cio", "/w/@shared/cio"]
        );
        // The child's baseUrl wins; the inherited paths are then relative to it.
        assert_eq!(
            bases(&c, "/w/apps/web/src", "@shared/cio"),
            ["/w/apps/web/src/shared/cio", "/w/apps/web/src/@shared/cio"]
        );
    }

    #[test]
    fn broken_configs_and_package_extends_resolve_nothing() {
        let c = configs(&[
            (
                "/w/tsconfig.json",
                r#"{ "extends": "@tsconfig/node18/tsconfig.json" }"#,
            ),
            ("/w/a/tsconfig.json", "{ not json"),
            ("/w/b/tsconfig.json", r#"{ "extends": "./tsconfig.json" }"#),
        ]);
        assert!(bases(&c, "/w/src", "lib/x").is_empty());
        assert!(bases(&c, "/w/a", "lib/x").is_empty());
        // A config that extends itself stops after a few rounds.
        assert!(bases(&c, "/w/b", "lib/x").is_empty());
    }

    #[test]
    fn strings_keep_what_looks_like_comments() {
        let text = r#"{ "compilerOptions": { "outDir": "x//y/*", "baseUrl": "./src", /* "baseUrl": "lib" */ "paths": { "a/*": ["b/*"] } } }"#;
        let c = configs(&[("/w/tsconfig.json", text)]);
        assert_eq!(bases(&c, "/w", "a/y"), ["/w/src/b/y", "/w/src/a/y"]);
    }
}
