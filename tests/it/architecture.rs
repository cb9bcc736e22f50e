//! SPEC §5: dependencies point one way; `xml/` knows nothing of the layers above.

use std::path::Path;

fn sources_under(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    if !root.is_dir() {
        // A layer not written yet imports nothing.
        return Vec::new();
    }
    crate::support::files_under(&root)
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
            "model", "validate", "rules", "simulate", "session", "save", "cli", "tui",
        ],
    );
}

#[test]
fn model_imports_only_xml() {
    assert_no_import(
        "model",
        &[
            "validate", "rules", "simulate", "session", "save", "cli", "tui",
        ],
    );
}

#[test]
fn library_layers_do_not_import_front_ends() {
    for dir in ["validate", "rules", "simulate"] {
        assert_no_import(dir, &["session", "cli", "tui"]);
    }
}
