//! The real binary in a real terminal (tmux): it opens a fixture, shows the help with `?`,
//! quits with `q` (asking first, as a file is open), and leaves the terminal as it found it:
//! the alternate screen left, the shell prompt back, and typed text echoed (raw mode off).
//!
//! On a 3,000-row export: a row excluded by hand survives moving the header row away and
//! back; `q` on the start menu with that decision pending asks; 1,100 keys sent in one burst
//! leave the screen exactly where the same keys sent slowly do; a 2,000-character paste
//! arrives whole.
//!
//! Needs tmux (scripts/test-tools.sh installs it). Every wait polls `capture-pane` with a deadline.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect(
                "tmux is needed for this test: apt-get install tmux (scripts/test-tools.sh does)",
            );
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "t"])
    }

    /// The screen with its colours and highlights (the cursor's row shows only in those).
    fn screen_styled(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-e", "-t", "t"])
    }

    /// A shell in a `w`×`h` window, with config and register inside `dir`.
    fn start(dir: &Path, name: &str, w: u16, h: u16) -> Tmux {
        let tmux = Tmux {
            socket: format!("disclose-{name}-{}", std::process::id()),
        };
        let shell = format!(
            "env -i PATH={} HOME={} TERM=xterm-256color PS1='SHELL> ' DISCLOSE_CONFIG_DIR={} DISCLOSE_REGISTER={} sh",
            std::env::var("PATH").unwrap_or_default(),
            dir.display(),
            dir.join("config").display(),
            dir.join("register.jsonl").display(),
        );
        tmux.cmd(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            &shell,
        ]);
        tmux.wait_for("the shell prompt", |s| s.contains("SHELL>"));
        tmux
    }

    /// Run the binary with `args` in `dir`.
    fn run(&self, dir: &Path, args: &str) {
        let run = format!(
            "cd {} && {} --today 2026-11-22 {args}; echo exit=$?",
            dir.display(),
            env!("CARGO_BIN_EXE_disclose")
        );
        self.keys(&[&run, "Enter"]);
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    /// Wait until the screen satisfies `ok`, or fail showing the last screen.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[test]
fn the_real_binary_opens_a_fixture_shows_help_and_quits_leaving_the_terminal_restored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("cris-victims.csv"),
        dir.path().join("cris-victims.csv"),
    )
    .unwrap();
    let tmux = Tmux {
        socket: format!("disclose-test-{}", std::process::id()),
    };
    let shell = format!(
        "env -i PATH={} HOME={} TERM=xterm-256color PS1='SHELL> ' DISCLOSE_CONFIG_DIR={} DISCLOSE_REGISTER={} sh",
        std::env::var("PATH").unwrap_or_default(),
        dir.path().display(),
        dir.path().join("config").display(),
        dir.path().join("register.jsonl").display(),
    );
    tmux.cmd(&[
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "100",
        "-y",
        "30",
        &shell,
    ]);
    tmux.wait_for("the shell prompt", |s| s.contains("SHELL>"));

    let run = format!(
        "cd {} && {} --today 2026-11-22 cris-victims.csv; echo exit=$?",
        dir.path().display(),
        env!("CARGO_BIN_EXE_disclose")
    );
    tmux.keys(&[&run, "Enter"]);
    tmux.wait_for("the file read", |s| {
        s.contains("Files opened") && s.contains("cris-victims.csv  15 rows")
    });

    tmux.keys(&["?"]);
    tmux.wait_for("the help overlay", |s| {
        s.contains("show every key (this help)")
    });
    tmux.keys(&["Escape"]);
    tmux.wait_for("the help closed", |s| {
        !s.contains("show every key (this help)")
    });

    tmux.keys(&["q"]);
    tmux.wait_for("the question before quitting", |s| s.contains("Quit?"));
    tmux.keys(&["y"]);
    let after = tmux.wait_for("the shell again", |s| s.contains("exit=0"));
    assert!(
        !after.contains("Files opened"),
        "the alternate screen was left:\n{after}"
    );
    assert!(after.contains("SHELL>"), "{after}");

    // Raw mode is off: what is typed is echoed and the line is run on Enter.
    tmux.keys(&["echo restored-ok", "Enter"]);
    tmux.wait_for("a cooked-mode shell", |s| {
        s.lines().any(|l| l.trim() == "restored-ok")
    });
}

/// A CRIS export of `n` rows like the fixture's first, each a different victim: every row
/// is shared under Bromley's agreement, and any row can be read as a header (no blank cell).
fn big_cris(dir: &Path, n: usize) -> PathBuf {
    let fixture = std::fs::read_to_string(fixture("cris-victims.csv")).unwrap();
    let mut lines = fixture.lines();
    let mut out = String::from(lines.next().unwrap());
    out.push('\n');
    for k in 0..n {
        out.push_str(&format!(
            "52{k:05}/26,Theft person,03/10/2026,Victim {k},\"{k} Elm Close, Bromley BR1 1AA\",07700 9{k:05},34,F,Stranger,Y,None,Kyle Fenwick,15,N,PC 101 Hart,Phone taken\n"
        ));
    }
    let path = dir.join("cris-3000.csv");
    std::fs::write(&path, out).unwrap();
    path
}

/// On the Rows screen of the 3,000-row export, under Bromley's agreement.
fn on_rows(dir: &Path, name: &str) -> Tmux {
    big_cris(dir, 3000);
    let tmux = Tmux::start(dir, name, 80, 24);
    tmux.run(dir, "--profile bromley-yot-victims cris-3000.csv");
    tmux.wait_for("the file read", |s| s.contains("cris-3000.csv  3000 rows"));
    tmux.keys(&["c"]);
    tmux.wait_for("the agreements", |s| {
        s.contains("Which agreement is this disclosure under?")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the columns", |s| s.contains("Source columns"));
    tmux.keys(&["c"]);
    tmux.wait_for("the rows decided", |s| {
        s.contains("As it will leave") && s.contains("✓ shared  3000")
    });
    tmux
}

#[test]
fn a_row_excluded_by_hand_survives_the_header_row_moved_away_and_back_and_q_then_asks() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = on_rows(dir.path(), "decide");
    tmux.keys(&["j", "x"]);
    tmux.wait_for("the reason asked", |s| s.contains("Exclude row 3"));
    tmux.keys(&["-l", "withdrew consent"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("the row excluded", |s| s.contains("✓ shared  2999"));

    // Back to Files; the header one row lower, then back where it was. One Esc at a time,
    // each waited for: two sent at once can reach the terminal as one Alt-Esc under load.
    tmux.keys(&["Escape"]);
    tmux.wait_for("the Columns screen", |s| s.contains("Source columns"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("the agreements", |s| {
        s.contains("Which agreement is this disclosure under?")
    });
    tmux.keys(&["Escape"]);
    tmux.wait_for("the Files screen", |s| s.contains("Files opened"));
    tmux.keys(&["+"]);
    tmux.wait_for(
        "the file read with the header on row 2, row 3 still there",
        |s| s.contains("Header on row 2") && s.contains("Kept the 1 decision(s) made by hand"),
    );
    tmux.keys(&["-"]);
    tmux.wait_for("the decision kept", |s| {
        s.contains("Header on row 1") && s.contains("Kept the 1 decision(s) made by hand")
    });
    tmux.keys(&["c"]);
    tmux.wait_for("the agreements", |s| {
        s.contains("Which agreement is this disclosure under?")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the columns", |s| s.contains("Source columns"));
    tmux.keys(&["c"]);
    tmux.wait_for("the row still excluded by hand", |s| {
        s.contains("✓ shared  2999") && s.contains("by hand")
    });

    // All the way back to the start menu: q asks, as the decision would be lost.
    for (screen, seen) in [
        ("the Columns screen", "Source columns"),
        (
            "the agreements",
            "Which agreement is this disclosure under?",
        ),
        ("the Files screen", "Files opened"),
        ("the start menu", "Prepare a disclosure"),
    ] {
        tmux.keys(&["Escape"]);
        tmux.wait_for(screen, |s| s.contains(seen));
    }
    tmux.keys(&["q"]);
    tmux.wait_for("the question before quitting", |s| s.contains("Quit?"));
    tmux.keys(&["n"]);
    tmux.wait_for("the question gone", |s| !s.contains("Quit?"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("Esc asks too", |s| s.contains("Quit?"));
    tmux.keys(&["y"]);
    tmux.wait_for("the shell again", |s| s.contains("exit=0"));
}

/// 50 PgDn, 1,000 j, 50 PgUp: 1,100 keys, 1,800 bytes (more than one 1,024-byte read).
fn many_keys() -> Vec<&'static str> {
    let mut keys = vec!["PageDown"; 50];
    keys.extend(vec!["j"; 1000]);
    keys.extend(vec!["PageUp"; 50]);
    keys
}

/// Wait until the screen has not changed for half a second.
fn still(tmux: &Tmux) -> String {
    let mut last = tmux.screen_styled();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = tmux.screen_styled();
        if now == last || Instant::now() > deadline {
            return now;
        }
        last = now;
    }
}

#[test]
fn a_burst_of_1100_keys_leaves_the_screen_where_the_same_keys_sent_slowly_do() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = on_rows(dir.path(), "burst");
    let keys = many_keys();

    // Slowly: ten keys at a time, each batch drawn before the next.
    for batch in keys.chunks(10) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(batch);
        tmux.cmd(&args);
        std::thread::sleep(Duration::from_millis(15));
    }
    let slow = still(&tmux);
    assert!(
        slow.contains("1001"),
        "1,000 rows down from row 2 is row 1002, whose neighbour 1001 is in view:\n{slow}"
    );

    // Back to the top, then every key in one burst.
    tmux.keys(&["g"]);
    tmux.wait_for("the top", |s| s.contains("     2 Victim 0"));
    let mut args = vec!["send-keys", "-t", "t"];
    args.extend_from_slice(&keys);
    tmux.cmd(&args);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = tmux.screen_styled();
        if now == slow {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after the burst the screen is not where the slow keys left it:\n{}\nexpected:\n{slow}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_2000_character_paste_arrives_whole_without_another_key() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = Tmux::start(dir.path(), "paste", 80, 24);
    tmux.run(dir.path(), "");
    tmux.wait_for("the start menu", |s| s.contains("Prepare a disclosure"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the Files screen", |s| s.contains("File or folder"));
    let text = format!("{}END-OF-PASTE", "a".repeat(1988));
    assert_eq!(text.len(), 2000);
    tmux.cmd(&["set-buffer", &text]);
    tmux.cmd(&["paste-buffer", "-p", "-t", "t"]);
    tmux.wait_for("the end of the paste in the path box", |s| {
        s.contains("END-OF-PASTE")
    });
    tmux.keys(&["C-c"]);
    tmux.wait_for("the shell again", |s| s.contains("exit="));
}
