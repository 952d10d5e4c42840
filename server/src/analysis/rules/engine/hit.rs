//! One match of a rule's pattern, as the checks see it.

use tree_sitter::Node;

/// One match of a rule's pattern.
pub struct Hit<'t, 'q> {
    /// Index of the pattern within its rule's `.scm` file (0 for the first pattern).
    pub pattern: usize,
    pub captures: Vec<(&'q str, Node<'t>)>,
}

impl<'t> Hit<'t, '_> {
    /// The first node captured as `@name`.
    pub fn get(&self, name: &str) -> Option<Node<'t>> {
        self.captures
            .iter()
            .find(|(capture, _)| *capture == name)
            .map(|(_, node)| *node)
    }

    /// Every node captured as `@name` (quantified captures).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Node<'t>> + 'a {
        self.captures
            .iter()
            .filter(move |(capture, _)| *capture == name)
            .map(|(_, node)| *node)
    }
}
