//! SPEC §5: dependencies point one way; `xml/` knows nothing of the layers above.

use std::path::Path;

/// The sources of a layer: a directory under `src/`, or a single file (`load.rs`).
fn sources_under(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let files = if root.is_file() {
        vec![root]
    } else if root.is_dir() {
        crate::support::files_under(&root)
    } else {
        // A layer not written yet imports nothing.
        return Vec::new();
    };
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("read"),
            )
        })
        .collect()
}

fn assert_no_import(dir: &str, forbidden: &[&str]) {
    for (path, text) in sources_under(dir) {
        for layer in forbidden {
            let needle = format!("crate::{layer}");
            assert!(!text.contains(&needle), "{path} imports {needle}");
        }
    }
}

#[test]
fn xml_imports_no_higher_layer() {
    assert_no_import(
        "xml",
        &[
            "pattern", "model", "validate", "rules", "simulate", "session", "save", "cli", "tui",
        ],
    );
}

#[test]
fn pattern_imports_nothing_of_the_crate() {
    // The engines are a leaf: `model`, `rules` and `analysis` use them, never the
    // other way round.
    assert_no_import(
        "pattern",
        &[
            "xml", "model", "validate", "rules", "simulate", "session", "save", "cli", "tui",
            "analysis", "load",
        ],
    );
}

#[test]
fn model_imports_only_xml_and_pattern() {
    assert_no_import(
        "model",
        &[
            "validate", "rules", "simulate", "session", "save", "cli", "tui",
        ],
    );
}

#[test]
fn rules_are_read_below_the_engine() {
    // Decoder and rule definitions are data the engine runs; they never reach up
    // into it (SPEC §8: pattern, rules, analysis, then simulate).
    assert_no_import("rules", &["analysis", "simulate"]);
}

#[test]
fn the_engine_is_pure_and_below_simulate() {
    assert_no_import(
        "analysis",
        &[
            "simulate", "session", "save", "load", "cli", "tui", "validate",
        ],
    );
}

#[test]
fn library_layers_do_not_import_front_ends() {
    for dir in ["validate", "rules", "simulate"] {
        assert_no_import(dir, &["session", "cli", "tui"]);
    }
}

#[test]
fn session_imports_no_front_end() {
    assert_no_import("session", &["cli", "tui"]);
}

#[test]
fn save_imports_neither_session_nor_a_front_end() {
    assert_no_import("save", &["session", "cli", "tui"]);
}

#[test]
fn load_serves_the_front_ends_and_imports_neither() {
    assert_no_import("load.rs", &["session", "cli", "tui"]);
}

#[test]
fn every_layer_checked_here_exists() {
    // A renamed layer would make its check pass vacuously.
    for dir in [
        "xml", "pattern", "model", "validate", "rules", "analysis", "simulate", "session", "save",
        "load.rs",
    ] {
        assert!(!sources_under(dir).is_empty(), "src/{dir} has no sources");
    }
}
