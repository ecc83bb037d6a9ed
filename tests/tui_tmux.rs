//! The real binary in a real terminal (tmux): it opens a fixture, shows the help with `?`,
//! quits with `q` (asking first, as a file is open), and leaves the terminal as it found it:
//! the alternate screen left, the shell prompt back, and typed text echoed (raw mode off).
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
