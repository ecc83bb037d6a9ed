//! Verify of a decrypted bundle: any bytes as the zip inside the age layer, through
//! `disclose::verify::verify_zip_bytes` with extraction asked for. Extraction must happen only
//! when every check passed, only inside the folder given, and give exactly the files the report
//! lists, with the SHA-256s it lists; when anything failed, nothing may be written.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.symlink_metadata().expect("metadata").is_dir() {
                stack.push(p);
            } else {
                out.push(
                    p.strip_prefix(dir)
                        .expect("inside")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

fuzz_target!(|data: &[u8]| {
    let parent = common::scratch().join("verify");
    let _ = std::fs::remove_dir_all(&parent);
    std::fs::create_dir_all(&parent).expect("parent");
    let dir = parent.join("x");
    let report = disclose::verify::verify_zip_bytes(data, Some(&dir));
    let _ = format!("{report:?}");
    let ok = report.ok();
    let outside: Vec<String> = listing(&parent)
        .into_iter()
        .filter(|p| !p.starts_with("x/"))
        .collect();
    assert!(
        outside.is_empty(),
        "files written outside the extraction folder: {outside:?}"
    );
    if !ok {
        assert!(
            !dir.exists(),
            "the folder is left behind after a failed verification"
        );
        assert!(report.extracted_to.is_none());
        return;
    }
    assert_eq!(report.extracted_to.as_deref(), Some(dir.as_path()));
    let mut files = listing(&dir);
    files.retain(|f| f.starts_with("data/"));
    let mut listed: Vec<String> = report.payload.iter().map(|p| p.path.clone()).collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "the payload extracted is not the payload reported"
    );
    for p in &report.payload {
        let bytes = std::fs::read(dir.join(&p.path)).expect("extracted file");
        assert_eq!(bytes.len() as u64, p.bytes, "{} has the wrong size", p.path);
        if let Some(sha) = &p.sha256 {
            assert_eq!(
                &common::sha256_hex(&bytes),
                sha,
                "{} has the wrong SHA-256",
                p.path
            );
        }
    }
});
