//! Starting the editor from the command line without a terminal, or with a word
//! that is neither a file nor a command: clear errors, exit code 2, nothing written.

use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("spawn ossec-ar")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn without_a_terminal_the_editor_says_what_to_use_instead() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ossec.conf");
    std::fs::write(&file, crate::tui_harness::CONF).expect("write");
    let o = run(&[file.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the editor needs a terminal"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("ossec-ar check"));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        crate::tui_harness::CONF
    );
    let demo = run(&["demo"]);
    assert_eq!(demo.status.code(), Some(2), "{}", stderr(&demo));
}

#[test]
fn a_mistyped_command_is_not_mistaken_for_a_missing_file_only() {
    let o = run(&["chek"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no such file (nor a command"),
        "{}",
        stderr(&o)
    );
    let o = run(&["/nonexistent/ossec.conf"]);
    assert!(!stderr(&o).contains("nor a command"), "{}", stderr(&o));
}

#[test]
fn options_after_the_file_are_refused_with_the_right_order() {
    let o = run(&["ossec.conf", "--profile", "ossec"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("put options before it"),
        "{}",
        stderr(&o)
    );
}
