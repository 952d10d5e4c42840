//! npm version ranges (`^5.2.0`, `~4.1`, `>=3 <6`, `5.x`, `^4 || ^5`), read as the interval of
//! versions they allow: enough to answer "is every allowed version at least 5.2?" and "is
//! every allowed version below 4?", which is all the rules ask. Pre-release tags are ignored.

use std::fmt;

/// A release version, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub const fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// `5.2.0`, `v5.2.0`, `5.2.0-beta.1` (the tag is dropped); every part required.
    pub fn parse(text: &str) -> Option<Version> {
        let partial = Partial::parse(text)?;
        match partial.parts {
            [Some(major), Some(minor), Some(patch)] => Some(Version::new(major, minor, patch)),
            _ => None,
        }
    }

    fn next_patch(self) -> Version {
        Version::new(self.major, self.minor, self.patch.saturating_add(1))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The versions a requirement allows, as one interval: `min` included, `max` excluded (`None`:
/// no upper bound). A union (`^4 || ^6`) is read as the interval that holds all of it, which
/// can only make an answer unknown, never wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRange {
    pub min: Version,
    pub max: Option<Version>,
}

impl VersionRange {
    /// Exactly `version`.
    pub fn exactly(version: Version) -> VersionRange {
        VersionRange {
            min: version,
            max: Some(version.next_patch()),
        }
    }

    /// The range of an npm requirement, or `None` when it names no version (`*`, `latest`, a
    /// tag, a path, a git or tarball URL) or cannot be read.
    pub fn parse(requirement: &str) -> Option<VersionRange> {
        let requirement = requirement.trim();
        let requirement = requirement
            .strip_prefix("workspace:")
            .unwrap_or(requirement);
        let mut hull: Option<VersionRange> = None;
        for alternative in requirement.split("||") {
            let range = parse_alternative(alternative)?;
            hull = Some(match hull {
                None => range,
                Some(hull) => hull.union(range),
            });
        }
        hull
    }

    /// Whether every allowed version is at least `version` (`Some(true)`), none is
    /// (`Some(false)`), or some are and some are not (`None`).
    pub fn at_least(&self, version: Version) -> Option<bool> {
        if self.min >= version {
            Some(true)
        } else if self.max.is_some_and(|max| max <= version) {
            Some(false)
        } else {
            None
        }
    }

    /// The interval that holds both.
    pub fn union(self, other: VersionRange) -> VersionRange {
        VersionRange {
            min: self.min.min(other.min),
            max: match (self.max, other.max) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
        }
    }

    fn intersect(self, other: VersionRange) -> VersionRange {
        VersionRange {
            min: self.min.max(other.min),
            max: match (self.max, other.max) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    const ANY: VersionRange = VersionRange {
        min: Version::new(0, 0, 0),
        max: None,
    };
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) if max == self.min.next_patch() => write!(f, "{}", self.min),
            Some(max) => write!(f, ">={} <{max}", self.min),
            None => write!(f, ">={}", self.min),
        }
    }
}

/// One alternative of a requirement: a hyphen range, or comparators that all must hold.
fn parse_alternative(alternative: &str) -> Option<VersionRange> {
    let alternative = alternative.trim();
    if let Some((low, high)) = alternative.split_once(" - ") {
        let low = Partial::parse(low.trim())?;
        let high = Partial::parse(high.trim())?;
        return Some(VersionRange {
            min: low.floor(),
            max: Some(high.ceiling()),
        });
    }
    // `>= 5` is written with a space too.
    let joined = alternative
        .replace(">= ", ">=")
        .replace("<= ", "<=")
        .replace("> ", ">")
        .replace("< ", "<")
        .replace("= ", "=");
    let mut range = VersionRange::ANY;
    let mut comparators = 0;
    for comparator in joined.split_whitespace() {
        range = range.intersect(parse_comparator(comparator)?);
        comparators += 1;
    }
    (comparators > 0).then_some(range)
}

fn parse_comparator(comparator: &str) -> Option<VersionRange> {
    let (operator, version) = split_operator(comparator);
    let partial = Partial::parse(version)?;
    if partial.is_wildcard() {
        // `*`, `x`: any version, which says nothing about the installed one.
        return None;
    }
    Some(match operator {
        "^" => VersionRange {
            min: partial.floor(),
            max: Some(partial.caret_ceiling()),
        },
        "~" => VersionRange {
            min: partial.floor(),
            max: Some(partial.tilde_ceiling()),
        },
        "" | "=" | "v" => VersionRange {
            min: partial.floor(),
            max: Some(partial.ceiling()),
        },
        ">=" => VersionRange {
            min: partial.floor(),
            max: None,
        },
        ">" => VersionRange {
            min: partial.ceiling(),
            max: None,
        },
        "<" => VersionRange {
            min: Version::new(0, 0, 0),
            max: Some(partial.floor()),
        },
        "<=" => VersionRange {
            min: Version::new(0, 0, 0),
            max: Some(partial.ceiling()),
        },
        _ => return None,
    })
}

fn split_operator(comparator: &str) -> (&str, &str) {
    for operator in [">=", "<=", ">", "<", "=", "^", "~"] {
        if let Some(rest) = comparator.strip_prefix(operator) {
            // `~>` is Ruby's, but npm accepts it as `~`.
            let rest = rest
                .strip_prefix('>')
                .filter(|_| operator == "~")
                .unwrap_or(rest);
            return (operator, rest);
        }
    }
    ("", comparator)
}

/// A version with parts left out or wildcarded (`5`, `5.2`, `5.x`, `5.2.*`).
#[derive(Debug, Clone, Copy)]
struct Partial {
    parts: [Option<u64>; 3],
}

impl Partial {
    fn parse(text: &str) -> Option<Partial> {
        let text = text.trim().trim_start_matches(['v', '=']);
        // Build metadata and pre-release tags do not move the interval.
        let text = text.split(['+', '-']).next()?;
        if text.is_empty() {
            return None;
        }
        let mut parts = [None; 3];
        let mut wildcard_seen = false;
        for (index, part) in text.split('.').enumerate() {
            if index >= 3 {
                return None;
            }
            if matches!(part, "x" | "X" | "*") {
                wildcard_seen = true;
                continue;
            }
            if wildcard_seen {
                return None;
            }
            parts[index] = Some(part.parse().ok()?);
        }
        Some(Partial { parts })
    }

    fn is_wildcard(&self) -> bool {
        self.parts[0].is_none()
    }

    fn floor(&self) -> Version {
        let [major, minor, patch] = self.parts;
        Version::new(major.unwrap_or(0), minor.unwrap_or(0), patch.unwrap_or(0))
    }

    /// The first version past what this partial version names (`5` → 6.0.0, `5.2` → 5.3.0,
    /// `5.2.1` → 5.2.2).
    fn ceiling(&self) -> Version {
        match self.parts {
            [Some(major), None, _] => Version::new(major.saturating_add(1), 0, 0),
            [Some(major), Some(minor), None] => Version::new(major, minor.saturating_add(1), 0),
            _ => self.floor().next_patch(),
        }
    }

    /// `^`: the first version that changes the leftmost non-zero part.
    fn caret_ceiling(&self) -> Version {
        match self.parts {
            [Some(0), Some(0), Some(patch)] => Version::new(0, 0, patch.saturating_add(1)),
            [Some(0), Some(0), None] => Version::new(0, 1, 0),
            [Some(0), Some(minor), _] => Version::new(0, minor.saturating_add(1), 0),
            [Some(major), _, _] => Version::new(major.saturating_add(1), 0, 0),
            _ => self.ceiling(),
        }
    }

    /// `~`: the next minor version, or the next major one when no minor is given.
    fn tilde_ceiling(&self) -> Version {
        match self.parts {
            [Some(major), None, _] => Version::new(major.saturating_add(1), 0, 0),
            [Some(major), Some(minor), _] => Version::new(major, minor.saturating_add(1), 0),
            _ => self.ceiling(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> String {
        VersionRange::parse(text).map_or_else(|| "unknown".to_string(), |r| r.to_string())
    }

    #[test]
    fn npm_requirements_read_as_intervals() {
        assert_eq!(range("^5.2.0"), ">=5.2.0 <6.0.0");
        assert_eq!(range("^0.5.9"), ">=0.5.9 <0.6.0");
        assert_eq!(range("^0.0.3"), "0.0.3");
        assert_eq!(range("~4.1.2"), ">=4.1.2 <4.2.0");
        assert_eq!(range("~4"), ">=4.0.0 <5.0.0");
        assert_eq!(range("5.2.0"), "5.2.0");
        assert_eq!(range("v5.2.0"), "5.2.0");
        assert_eq!(range("=5.2.0"), "5.2.0");
        assert_eq!(range("5"), ">=5.0.0 <6.0.0");
        assert_eq!(range("5.x"), ">=5.0.0 <6.0.0");
        assert_eq!(range("5.2.*"), ">=5.2.0 <5.3.0");
        assert_eq!(range(">=3 <6"), ">=3.0.0 <6.0.0");
        assert_eq!(range(">= 3.1.0 < 6"), ">=3.1.0 <6.0.0");
        assert_eq!(range(">4"), ">=5.0.0");
        assert_eq!(range("<=4.2"), ">=0.0.0 <4.3.0");
        assert_eq!(range("1.2.3 - 2.3"), ">=1.2.3 <2.4.0");
        assert_eq!(range("^4 || ^5.1"), ">=4.0.0 <6.0.0");
        assert_eq!(range("^5.0.0-beta.2"), ">=5.0.0 <6.0.0");
        assert_eq!(range("workspace:^5.0.0"), ">=5.0.0 <6.0.0");
        for unknown in [
            "*",
            "",
            "x",
            "latest",
            "next",
            "file:../customerio-node",
            "github:customerio/customerio-node",
            "https://example.com/x.tgz",
            "workspace:*",
        ] {
            assert_eq!(range(unknown), "unknown", "{unknown:?}");
        }
    }

    #[test]
    fn ranges_answer_at_least_only_when_every_version_agrees() {
        let at_least = |text: &str, version: Version| VersionRange::parse(text)?.at_least(version);
        let v5_2 = Version::new(5, 2, 0);
        assert_eq!(at_least("^5.2.0", v5_2), Some(true));
        assert_eq!(at_least("^5.0.0", v5_2), None);
        assert_eq!(at_least("^4.1.0", v5_2), Some(false));
        assert_eq!(at_least("5.1.9", v5_2), Some(false));
        assert_eq!(at_least(">=5", Version::new(5, 0, 0)), Some(true));
        assert_eq!(at_least(">=4", Version::new(5, 0, 0)), None);
        assert_eq!(at_least("^3 || ^5", Version::new(4, 0, 0)), None);
        assert_eq!(at_least("*", v5_2), None);
    }

    #[test]
    fn versions_parse_in_full_only() {
        assert_eq!(Version::parse("5.2.0"), Some(Version::new(5, 2, 0)));
        assert_eq!(Version::parse("5.2.0-rc.1"), Some(Version::new(5, 2, 0)));
        assert_eq!(Version::parse("5.2"), None);
        assert_eq!(Version::parse("x"), None);
    }
}
