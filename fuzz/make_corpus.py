#!/usr/bin/env python3
"""Seed fuzz/corpus/<target>/ from the project's fixtures, tests/suites and fuzz/seeds.

Usage: python3 fuzz/make_corpus.py [path/to/disclose]   (run from the crate root)

The corpus folders are git-ignored; only the small hand-picked fuzz/seeds/ set is committed.
With a disclose binary (default target/debug/disclose), real bundles are packed from the
fixtures and decrypted with the stock `age` CLI, to seed verify_zip and register_verify.
"""
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SUITES = os.path.join(ROOT, "tests", "suites")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
TARGETS = ["load_csv", "load_xlsx", "load_xlsx_parts", "profile_parse", "verify_zip",
           "register_verify"]


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def files(folder, exts=None):
    if not os.path.isdir(folder):
        return []
    out = []
    for n in sorted(os.listdir(folder)):
        p = os.path.join(folder, n)
        if os.path.isfile(p) and (exts is None or n.lower().endswith(exts)):
            out.append(p)
    return out


def read(p):
    with open(p, "rb") as f:
        return f.read()


def xlsx_parts(path):
    """sheet NUL sharedStrings NUL styles NUL workbook, each capped at 64 KiB."""
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return None
    names = {n.lower(): n for n in z.namelist()}
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
    if not sheets:
        return None
    try:
        parts = [z.read(names[sheets[0]])[:65536]]
        for p in ["xl/sharedstrings.xml", "xl/styles.xml", "xl/workbook.xml"]:
            parts.append(z.read(names[p])[:65536] if p in names else b"")
    except Exception:  # encrypted or broken entries
        return None
    return b"\0".join(p.replace(b"\0", b"") for p in parts)


def zip_folder(folder):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for base, _, names in os.walk(folder):
            for n in sorted(names):
                p = os.path.join(base, n)
                z.write(p, os.path.relpath(p, folder))
    return buf.getvalue()


def real_bundles(disclose):
    """Decrypted zips of bundles packed from the fixtures, and the register they were logged in."""
    if not (disclose and os.path.exists(disclose) and shutil.which("age")):
        print("no disclose binary or age CLI: verify_zip gets no real bundles", file=sys.stderr)
        return [], None
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        key = os.path.join(tmp, "key.txt")
        reg = os.path.join(tmp, "register.jsonl")
        env = dict(os.environ, DISCLOSE_REGISTER=reg)
        kg = subprocess.run([disclose, "keygen", "-o", key], capture_output=True, text=True, env=env)
        public = [l.split(": ", 1)[1] for l in kg.stderr.splitlines() if l.startswith("Public key: ")][0]
        acks = ["--acknowledge", "review-overdue", "--acknowledge", "no-electronic-transfer",
                "--acknowledge", "victim-assessed-before-release", "--acknowledge",
                "rjo-signed-undertaking"]
        for inputs in (["cris-victims.csv"], ["cris-victims.csv", "cris-victims.csv"]):
            outdir = tempfile.mkdtemp(dir=tmp)
            args = [disclose, "--today", "2026-11-22", "pack", "--profile", "bromley-yot-victims",
                    "--period", "2026-10", "--recipient", public, "--out", outdir,
                    "--analyst", "A. Analyst", "--json"] + acks
            for i in inputs:
                args += ["--input", os.path.join(ROOT, "fixtures", i)]
            r = subprocess.run(args, capture_output=True, text=True, env=env)
            if r.returncode != 0:
                print("pack failed:", r.stderr, file=sys.stderr)
                continue
            bundle = [os.path.join(outdir, n) for n in os.listdir(outdir) if n.endswith(".age")][0]
            plain = subprocess.run(["age", "-d", "-i", key, bundle], capture_output=True).stdout
            out.append(plain)
        register = read(reg) if os.path.exists(reg) else None
    return out, register


def main():
    disclose = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "disclose")
    for t in TARGETS:
        os.makedirs(os.path.join(CORPUS, t), exist_ok=True)
        for p in files(os.path.join(SEEDS, t)):
            put(t, "seed-" + os.path.basename(p), read(p))

    for p in files(os.path.join(ROOT, "fixtures"), (".csv",)) + \
            [p for p in files(os.path.join(ROOT, "tests", "data", "csv")) if not p.endswith(".py")] + \
            files(os.path.join(SUITES, "csv-spectrum", "csvs")):
        put("load_csv", os.path.basename(p), read(p))

    for p in files(os.path.join(ROOT, "fixtures"), (".xlsx",)) + \
            files(os.path.join(SUITES, "calamine-xlsx")):
        put("load_xlsx", os.path.basename(p), read(p))
        parts = xlsx_parts(p)
        if parts:
            put("load_xlsx_parts", os.path.basename(p) + ".parts", parts)

    for p in files(os.path.join(ROOT, "profiles"), (".toml",)):
        put("profile_parse", os.path.basename(p), read(p))

    for p in files(os.path.join(SUITES, "zip2-malformed"), (".zip",)):
        put("verify_zip", os.path.basename(p), read(p))
    for version in ("v1.0", "v0.97"):
        for kind in ("valid", "invalid"):
            base = os.path.join(SUITES, "bagit-conformance", version, kind)
            if os.path.isdir(base):
                for bag in sorted(os.listdir(base)):
                    put("verify_zip", f"{version}-{kind}-{bag}.zip", zip_folder(os.path.join(base, bag)))
    bundles, register = real_bundles(disclose)
    for i, plain in enumerate(bundles):
        put("verify_zip", f"bundle-{i}.zip", plain)
    if register:
        put("register_verify", "register.jsonl", register)
        lines = register.splitlines(keepends=True)
        put("register_verify", "register-first.jsonl", lines[0])

    for t in TARGETS:
        print(t, len(os.listdir(os.path.join(CORPUS, t))))


if __name__ == "__main__":
    main()
