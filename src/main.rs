//! The `disclose` binary: all the work is in the library. This file only chooses the face: the
//! interactive screens (`tui`), or the headless commands (`cli`), siblings on the same core.
use disclose::{cli, tui};

fn main() {
    disclose::panics::install_hook();
    let code = match cli::parse() {
        Err(code) => code,
        Ok(line) => match cli::screens(&line) {
            Err(exit) => exit as i32,
            Ok(None) => cli::run(line) as i32,
            Ok(Some(opts)) => match cli::catalog(line.profiles.as_deref()) {
                Err(exit) => exit as i32,
                Ok(catalog) => match tui::run(&catalog, opts) {
                    Ok(()) => 0,
                    Err(e) => cli::fail(&e.to_string(), None) as i32,
                },
            },
        },
    };
    std::process::exit(code)
}
