//! Every corpus configuration opens in the editor, and walking through it (list,
//! forms, dropdowns, wizard, help, filter, simulator pane) draws without a panic and
//! changes nothing.

use crate::support::{corpus, corpus_data_files};
use crate::tui_harness::{app_sized, press, screen};

/// Moves over every block and field, opens each kind of popup and closes it.
const WALK: &str = "<pgdn>jGkk<tab>jjjjjjjj<enter><esc><esc>?<pgdn><esc>/a<esc>a<esc>pj<esc>p<tab>jj<enter><esc>x<c-c>";

#[test]
fn every_corpus_config_can_be_walked_through() {
    let Some(corpus) = corpus() else { return };
    let mut seen = 0;
    for path in corpus_data_files(&corpus) {
        if path.components().any(|c| c.as_os_str() == "ruleset") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut a = app_sized(&text, (80, 24));
        // Drawing is the slow part in a debug build: draw each state the walk
        // reaches (a new mode), and the list and form now and then.
        let mut mode = a.mode();
        for (i, k) in crate::tui_harness::parse_keys(WALK).into_iter().enumerate() {
            let _ = a.handle(ossec_ar::tui::AppEvent::Key(k));
            if a.mode() != mode || i % 8 == 0 {
                let _ = screen(&a, 80, 24);
                mode = a.mode();
            }
        }
        // x may have removed a field: undo it, and the text is the file again.
        press(&mut a, "<esc><esc><esc>uuu");
        assert_eq!(a.source(), text, "{}", path.display());
        seen += 1;
    }
    assert!(seen > 100, "only {seen} configs");
}
