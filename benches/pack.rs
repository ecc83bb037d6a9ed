//! `cargo bench`: a pack's stages timed on a generated export, with nothing else to install.
//! Each stage runs `BENCH_RUNS` times (default 5), the stages taking turns, and the table gives
//! medians and input megabytes per second. The export is `BENCH_MB` megabytes (default 200),
//! the same synthetic file `scripts/bench.sh` makes; that script compares these figures with
//! the chain of stock tools (`xsv`, `zip`, `age`) on the same file.

#[path = "support/export.rs"]
mod export;

use disclose::load::{LoadOptions, Table};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_disclose");

/// One timed stage: what it is called and how to run it once.
type Stage = (&'static str, fn(&Bench) -> Duration);

fn main() {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (mb, runs) = (number("BENCH_MB", 200), number("BENCH_RUNS", 5));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let csv = dir.path().join("export.csv");
    let (rows, bytes) = export::write_csv(&csv, mb).expect("write the export");
    println!("export: {rows} rows, {bytes} bytes; {runs} runs of each stage, taking turns");
    let public = keygen(dir.path());
    let bench = Bench {
        dir: dir.path().to_path_buf(),
        csv,
        public,
    };

    let stages: [Stage; 4] = [
        ("read every cell (library)", Bench::read),
        ("pack --dry-run", |b| b.pack(&["--dry-run"])),
        ("pack", |b| b.pack(&[])),
        ("verify", Bench::verify),
    ];
    let mut times = vec![Vec::new(); stages.len()];
    for _ in 0..runs {
        for ((_, stage), times) in stages.iter().zip(&mut times) {
            times.push(stage(&bench));
        }
    }
    println!("\n{:<28} {:>10} {:>10}", "stage", "median s", "input MB/s");
    for ((name, _), times) in stages.iter().zip(&mut times) {
        times.sort();
        let median = times[times.len() / 2].as_secs_f64();
        println!(
            "{name:<28} {median:>10.3} {:>10.0}",
            bytes as f64 / 1e6 / median
        );
    }
}

struct Bench {
    dir: PathBuf,
    csv: PathBuf,
    public: String,
}

impl Bench {
    /// The loader alone: open (checks, delimiter, header) and every cell of every row made.
    fn read(&self) -> Duration {
        let start = Instant::now();
        let options = LoadOptions {
            stream_once: true,
            ..LoadOptions::default()
        };
        let table = Table::open(&self.csv, &options).expect("open the export");
        let mut cells = 0usize;
        for row in table.rows().expect("rows") {
            cells += row.expect("a row").cells.len();
        }
        assert!(cells > 0);
        start.elapsed()
    }

    fn pack(&self, extra: &[&str]) -> Duration {
        let out = self.dir.join("out");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir(&out).expect("the output folder");
        let mut command = Command::new(BIN);
        command
            .args(["pack", "--profile", "bromley-yot-victims", "--input"])
            .arg(&self.csv)
            .args([
                "--recipient",
                &format!("Bench partner={}", self.public),
                "--out",
            ])
            .arg(&out)
            .args(["--analyst", "Bench"])
            .args(
                [
                    "review-overdue",
                    "no-electronic-transfer",
                    "victim-assessed-before-release",
                    "rjo-signed-undertaking",
                ]
                .iter()
                .flat_map(|a| ["--acknowledge", a]),
            )
            .args(extra)
            .env("DISCLOSE_REGISTER", self.dir.join("register.jsonl"));
        run(&mut command)
    }

    fn verify(&self) -> Duration {
        let bundle = std::fs::read_dir(self.dir.join("out"))
            .expect("the output folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.to_string_lossy().ends_with(".zip.age"))
            .expect("a bundle from the pack stage");
        let mut command = Command::new(BIN);
        command
            .arg("verify")
            .arg(bundle)
            .arg("--identity")
            .arg(self.dir.join("key.txt"));
        run(&mut command)
    }
}

/// Runs a command to the end; it must succeed.
fn run(command: &mut Command) -> Duration {
    let start = Instant::now();
    let output = command.output().expect("run disclose");
    let took = start.elapsed();
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

/// A key pair for the bench; returns the public key.
fn keygen(dir: &Path) -> String {
    let output = Command::new(BIN)
        .arg("keygen")
        .arg("-o")
        .arg(dir.join("key.txt"))
        .output()
        .expect("run disclose keygen");
    assert!(output.status.success(), "keygen failed");
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("Public key: "))
        .expect("keygen prints the public key")
        .to_string()
}
