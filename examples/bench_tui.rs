//! The interactive screens on a big export, timed: what an analyst waits for, and what every
//! keypress costs (handling it and drawing the screen). Drives the real `App` with a test
//! terminal, exactly as the tests do, so only the terminal's own output is left out.
//!
//! `cargo run --release --example bench_tui -- EXPORT.csv`
//! (an export in the CRIS layout, e.g. from `gen_bench_csv`; the Bromley YOT victims agreement)

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use disclose::dates::Date;
use disclose::profile::Catalog;
use disclose::tui::msg::Msg;
use disclose::tui::theme::Theme;
use disclose::tui::{App, Options};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const PROFILE: &str = "bromley-yot-victims";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: bench_tui EXPORT.csv");
        std::process::exit(2);
    };
    let size = std::fs::metadata(&path)?.len();
    let dir = tempfile::tempdir()?;
    let catalog = Catalog::embedded()?;
    let opts = Options {
        files: vec![path.clone()],
        profile: Some(PROFILE.into()),
        verify: None,
        today: Date::new(2026, 11, 22).ok_or("date")?,
        config_dir: None,
        register: Some(dir.path().join("register.jsonl")),
        theme: Theme::plain_unicode(),
        cwd: dir.path().to_path_buf(),
    };
    let (w, h) = (120u16, 40u16);
    let mut term = Terminal::new(TestBackend::new(w, h))?;
    let start = Instant::now();
    let mut app = App::new(&catalog, opts);
    app.send(Msg::Resize(w, h));

    // The Open screen: until the first rows are shown under the header, then until every row
    // has been read.
    let first_rows = wait(&mut app, |a| {
        a.model.inputs.first().is_some_and(|i| !i.head.is_empty())
    });
    let first_rows = first_rows.map(|_| start.elapsed());
    let indexed = wait(&mut app, |a| a.model.inputs.iter().all(|i| i.rows_done));
    let indexed = indexed.map(|_| start.elapsed());
    let rows = app.model.inputs.first().map_or(0, |i| i.store.len());

    // On to the agreement (preselected), the columns, and the rows.
    key(&mut app, KeyCode::Char('c'));
    key(&mut app, KeyCode::Enter);
    let to_rows = Instant::now();
    key(&mut app, KeyCode::Char('c'));
    let first_page = wait(&mut app, |a| !a.model.rows.page.is_empty()).map(|_| to_rows.elapsed());
    let decided = wait(&mut app, |a| !a.model.busy()).map(|_| to_rows.elapsed());

    // Every keypress: handled and drawn.
    let keys: Vec<KeyCode> = std::iter::repeat_n(KeyCode::Down, 200)
        .chain(std::iter::repeat_n(KeyCode::PageDown, 200))
        .chain([KeyCode::End, KeyCode::Home, KeyCode::End])
        .chain(std::iter::repeat_n(KeyCode::PageUp, 200))
        .chain(std::iter::repeat_n(KeyCode::Up, 200))
        .chain(std::iter::repeat_n(KeyCode::Right, 10))
        .chain(std::iter::repeat_n(KeyCode::Char('v'), 4))
        .collect();
    let mut times = Vec::with_capacity(keys.len());
    let mut slowest = (Duration::ZERO, KeyCode::Null);
    for k in keys {
        let t = Instant::now();
        key(&mut app, k);
        term.draw(|f| app.draw(f))?;
        let took = t.elapsed();
        if took > slowest.0 {
            slowest = (took, k);
        }
        times.push(took);
    }
    times.sort();
    let median = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    let max = times[times.len() - 1];

    // A search that finds nothing reads every row.
    key(&mut app, KeyCode::Char('/'));
    for c in "nowhere-at-all".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let t = Instant::now();
    key(&mut app, KeyCode::Enter);
    let search_key = t.elapsed();
    let search = wait(&mut app, |a| a.model.rows.searching.is_none()).map(|_| t.elapsed());

    let ms = |d: Option<Duration>| {
        d.map_or("timed out".into(), |d| {
            format!("{:.0} ms", d.as_secs_f64() * 1e3)
        })
    };
    println!(
        "file                      {:.0} MB, {rows} rows",
        size as f64 / 1e6
    );
    println!("first rows on Open        {}", ms(first_rows));
    println!("every row indexed         {}", ms(indexed));
    println!("Rows screen: first page   {}", ms(first_page));
    println!("Rows screen: all decided  {}", ms(decided));
    println!(
        "keypress + draw ({} keys) median {:.2} ms, 99th {:.2} ms, max {:.2} ms",
        times.len(),
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    println!("slowest key               {:?}", slowest.1);
    println!(
        "search finding nothing    {} on a worker (the key itself: {:.2} ms)",
        ms(search),
        search_key.as_secs_f64() * 1e3
    );
    if let Some(peak) = peak_memory() {
        println!(
            "peak memory               {:.1} MB ({:.1}% of the file)",
            peak as f64 / 1e6,
            peak as f64 * 100.0 / size as f64
        );
    }
    Ok(())
}

fn key(app: &mut App, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Handle reports until `done`, for at most ten minutes.
fn wait(app: &mut App, done: impl Fn(&App) -> bool) -> Option<()> {
    let end = Instant::now() + Duration::from_secs(600);
    while Instant::now() < end {
        app.pump();
        if done(app) {
            return Some(());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    None
}

/// Peak resident memory of this process (Linux), in bytes.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
