//! Driving the editor without a terminal: a key-script parser, an app on a text or a
//! temporary file, and whole-screen rendering with `TestBackend`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ossec_ar::model::Profile;
use ossec_ar::tui::{App, AppEvent, Effect, Options, RunOptions, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A manager config written for these tests: three commands, two responses.
pub(crate) const CONF: &str = "<ossec_config>
  <global>
    <white_list>127.0.0.1</white_list>
  </global>

  <command>
    <name>firewall-drop</name>
    <executable>firewall-drop</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>

  <command>
    <name>restart-wazuh</name>
    <executable>restart-wazuh</executable>
  </command>

  <command>
    <name>spare</name>
    <executable>spare.sh</executable>
  </command>

  <active-response>
    <command>firewall-drop</command>
    <location>local</location>
    <level>10</level>
    <timeout>600</timeout>
  </active-response>

  <active-response>
    <disabled>no</disabled>
    <command>restart-wazuh</command>
    <location>server</location>
    <rules_id>100010</rules_id>
  </active-response>
</ossec_config>
";

/// A small ruleset written for these tests: sshd and web rules, a level-0 parent.
pub(crate) const RULES: &str = "<group name=\"syslog,sshd,\">
  <rule id=\"5700\" level=\"0\">
    <description>SSH messages grouped.</description>
  </rule>
  <rule id=\"5710\" level=\"5\">
    <if_sid>5700</if_sid>
    <description>SSH: login attempt for a user that does not exist.</description>
    <group>invalid_login,authentication_failed,</group>
  </rule>
  <rule id=\"5712\" level=\"10\" frequency=\"8\" timeframe=\"120\">
    <if_matched_sid>5710</if_matched_sid>
    <description>SSH: repeated logins with unknown users.</description>
    <group>authentication_failures,</group>
  </rule>
</group>
<group name=\"web,accesslog,\">
  <rule id=\"31101\" level=\"5\">
    <description>Web: 400 error.</description>
  </rule>
  <rule id=\"31151\" level=\"10\" frequency=\"12\" timeframe=\"90\">
    <if_matched_sid>31101</if_matched_sid>
    <description>Web: many 400 errors from one source.</description>
    <group>web_scan,</group>
  </rule>
</group>
";

/// An editor on `text` with [`RULES`] loaded, at a given size.
pub(crate) fn app_with_rules(text: &str, size: (u16, u16)) -> App {
    let loaded = ossec_ar::rules::load_texts([("0100-test_rules.xml", RULES)]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    App::new(
        text.to_string(),
        Options {
            path: PathBuf::from("ossec.conf"),
            profile: Profile::Wazuh,
            home: None,
            theme: Theme::new(false),
            size,
            rules: Some(loaded.rules),
        },
    )
}

/// Keys that select response #1 and focus the first field of its form.
pub(crate) const TO_R1: &str = "jjj<tab>";

/// The key events of a script: characters, `<enter>`, `<esc>`, `<tab>`, `<s-tab>`,
/// `<up>`, `<down>`, `<left>`, `<right>`, `<bs>`, `<del>`, `<home>`, `<end>`,
/// `<pgup>`, `<pgdn>`, `<c-X>` for Ctrl-X.
pub(crate) fn parse_keys(script: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut rest = script;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>').filter(|&e| e > 1)
        {
            out.push(named(&rest[1..end]));
            rest = &rest[end + 1..];
            continue;
        }
        out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn named(name: &str) -> KeyEvent {
    let none = KeyModifiers::NONE;
    let (code, mods) = match name {
        "enter" => (KeyCode::Enter, none),
        "esc" => (KeyCode::Esc, none),
        "tab" => (KeyCode::Tab, none),
        "s-tab" => (KeyCode::BackTab, KeyModifiers::SHIFT),
        "up" => (KeyCode::Up, none),
        "down" => (KeyCode::Down, none),
        "left" => (KeyCode::Left, none),
        "right" => (KeyCode::Right, none),
        "bs" => (KeyCode::Backspace, none),
        "del" => (KeyCode::Delete, none),
        "home" => (KeyCode::Home, none),
        "end" => (KeyCode::End, none),
        "pgup" => (KeyCode::PageUp, none),
        "pgdn" => (KeyCode::PageDown, none),
        "lt" => (KeyCode::Char('<'), none),
        c if c.starts_with("c-") => (
            KeyCode::Char(c.chars().nth(2).expect("ctrl key")),
            KeyModifiers::CONTROL,
        ),
        other => panic!("unknown key <{other}>"),
    };
    KeyEvent::new(code, mods)
}

/// An editor on `text` (as if read from `ossec.conf`), 80x24, no colour.
pub(crate) fn app(text: &str) -> App {
    app_sized(text, (80, 24))
}

/// An editor on `text` at a given terminal size.
pub(crate) fn app_sized(text: &str, size: (u16, u16)) -> App {
    App::new(
        text.to_string(),
        Options {
            path: PathBuf::from("ossec.conf"),
            profile: Profile::Wazuh,
            home: None,
            theme: Theme::new(false),
            size,
            rules: None,
        },
    )
}

/// Presses the keys; returns every effect asked for, in order.
pub(crate) fn press(app: &mut App, script: &str) -> Vec<Effect> {
    parse_keys(script)
        .into_iter()
        .flat_map(|k| app.handle(AppEvent::Key(k)))
        .collect()
}

/// The screen as text, at the app's size.
pub(crate) fn screen(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| ossec_ar::tui::ui::render(app, f))
        .expect("draw");
    term.backend().to_string()
}

/// Run options for key scripts that carry out no file effect (matching jobs).
pub(crate) fn run_options() -> RunOptions {
    RunOptions {
        path: PathBuf::from("ossec.conf"),
        profile: Profile::Wazuh,
        home: None,
        color: false,
        backup: false,
        rules: Vec::new(),
        decoders: Vec::new(),
    }
}

/// Draws and carries out the matching jobs until none is wanted (as the event loop
/// does after each frame).
pub(crate) fn settle(a: &mut App, opts: &RunOptions) {
    let started = Instant::now();
    loop {
        let _ = screen(a, 120, 40);
        let Some(job) = a.take_matching() else {
            if !a.matching_pending() {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "no answer");
            if !ossec_ar::tui::pump_matching(a) {
                std::thread::sleep(Duration::from_millis(10));
            }
            continue;
        };
        ossec_ar::tui::perform(a, vec![job], opts);
    }
}

/// A file on disk and an editor on it; effects are carried out on that file.
pub(crate) struct OnDisk {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) path: PathBuf,
    pub(crate) app: App,
    pub(crate) opts: RunOptions,
}

impl OnDisk {
    /// Writes `text` to `ossec.conf` in a new temporary directory and opens it.
    pub(crate) fn new(text: &str) -> OnDisk {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ossec.conf");
        std::fs::write(&path, text).expect("write");
        let opts = RunOptions {
            path: path.clone(),
            ..run_options()
        };
        let app = App::new(
            text.to_string(),
            Options {
                path: path.clone(),
                profile: Profile::Wazuh,
                home: None,
                theme: Theme::new(false),
                size: (80, 24),
                rules: None,
            },
        );
        OnDisk {
            dir,
            path,
            app,
            opts,
        }
    }

    /// Presses keys and carries out their effects; true when the editor quit.
    pub(crate) fn press(&mut self, script: &str) -> bool {
        for k in parse_keys(script) {
            let effects = self.app.handle(AppEvent::Key(k));
            if ossec_ar::tui::perform(&mut self.app, effects, &self.opts) {
                return true;
            }
        }
        false
    }

    /// The file's bytes now.
    pub(crate) fn on_disk(&self) -> String {
        std::fs::read_to_string(&self.path).expect("read back")
    }

    /// The directory's entries, sorted (to see that nothing else was left behind).
    pub(crate) fn entries(&self) -> Vec<String> {
        list_dir(self.dir.path())
    }
}

pub(crate) fn list_dir(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn key_scripts_parse_names_and_characters() {
    let k = parse_keys("a<enter><c-r><s-tab><lt>x");
    assert_eq!(k.len(), 6);
    assert_eq!(k[0].code, KeyCode::Char('a'));
    assert_eq!(k[1].code, KeyCode::Enter);
    assert_eq!(
        (k[2].code, k[2].modifiers),
        (KeyCode::Char('r'), KeyModifiers::CONTROL)
    );
    assert_eq!(k[3].code, KeyCode::BackTab);
    assert_eq!(k[4].code, KeyCode::Char('<'));
}
