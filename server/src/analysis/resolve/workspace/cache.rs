//! A lock around answers that the workspace index keeps for its readers.

/// Answers kept for the index's readers, which share the index across threads. Everything in
/// it can be computed again: a copy of the index starts empty, and a lock poisoned by a
/// panicking reader is as good as a free one.
#[derive(Default)]
pub(super) struct Cache<T>(std::sync::Mutex<T>);

impl<T> Cache<T> {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn get_mut(&mut self) -> &mut T {
        self.0
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T: Default> Clone for Cache<T> {
    fn clone(&self) -> Self {
        Cache::default()
    }
}

impl<T> std::fmt::Debug for Cache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}
