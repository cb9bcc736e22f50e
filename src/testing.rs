//! Helpers for the unit tests (compiled only for them): how a test that cannot run
//! here skips or fails, as `tests/it/support.rs` does for the integration tests.

use std::path::{Path, PathBuf};

/// The one way a unit test (or a part of one) does not run: it names the test and
/// says why. Under `CI=true` a skip is a failure, so CI output names every test that
/// could not run; on a user's clone it is a printed note.
pub(crate) fn skipped(why: &str) {
    let current = std::thread::current();
    let test = current.name().unwrap_or("this test");
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {test} cannot run: {why}"
    );
    eprintln!("skipped {test}: {why}");
}

/// The corpus directory `<sub>` (beside the project) when it is there; otherwise the test
/// is skipped (a failure under `CI=true`).
pub(crate) fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    skipped(&format!("the corpus is missing at {}", dir.display()));
    None
}
