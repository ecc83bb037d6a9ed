#!/usr/bin/env bash
# Windows, the users' platform: cross-build disclose.exe (x86_64-pc-windows-gnu, C runtime
# support linked in), check that it needs no DLL beyond those Windows ships, then under wine:
# make a key, pack the synthetic CRIS export under the Bromley YOT agreement (Windows paths with
# drive letters and backslashes), verify and extract the bundle, and check the register. The
# extracted data must be byte-identical to what the Linux build extracts from its own bundle of
# the same input, and each build must verify the other's bundle. Then the library's unit tests
# run under wine too (the Windows-only ones among them: the rename retry, the console marks).
#
# Installs what it needs when missing (apt: the MinGW-w64 linker, wine; rustup: the target).
# Runs headless: no display is needed for a console program. Everything it writes goes to a
# fresh temporary folder (a private WINEPREFIX included), removed at the end unless
# KEEP_WORK=1. Exits non-zero, saying why, on any failure.
#
#   bash scripts/windows-check.sh              # everything
#   SKIP_UNIT_TESTS=1 bash scripts/windows-check.sh   # skip the unit tests under wine
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=x86_64-pc-windows-gnu
started=$SECONDS

step() { printf '\n== [%4ds] %s\n' "$((SECONDS - started))" "$*"; }
die() {
    printf '\nWINDOWS CHECK FAILED: %s\n' "$*" >&2
    exit 1
}

# --- 1. What the check needs ------------------------------------------------------------------
step "Tools: MinGW-w64, wine, the Rust target"
need_apt=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need_apt+=(gcc-mingw-w64-x86-64)
command -v x86_64-w64-mingw32-objdump >/dev/null 2>&1 || need_apt+=(binutils-mingw-w64-x86-64)
wine=""
for w in /usr/lib/wine/wine64 "$(command -v wine64 || true)" "$(command -v wine || true)"; do
    if [ -n "$w" ] && [ -x "$w" ]; then
        wine=$w
        break
    fi
done
[ -n "$wine" ] || need_apt+=(wine64 wine)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if ((${#need_apt[@]})); then
    if [ "$(id -u)" = 0 ]; then
        echo "installing: ${need_apt[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${need_apt[@]}" >/dev/null
    else
        die "missing: ${need_apt[*]} (install them, e.g. sudo apt-get install ${need_apt[*]})"
    fi
fi
if [ -z "$wine" ]; then
    for w in /usr/lib/wine/wine64 "$(command -v wine64 || true)" "$(command -v wine || true)"; do
        if [ -n "$w" ] && [ -x "$w" ]; then
            wine=$w
            break
        fi
    done
fi
[ -n "$wine" ] || die "wine is not installed, and no wine64 or wine was found after installing it"
wineserver=$(dirname "$wine")/wineserver
[ -x "$wineserver" ] || wineserver=$(command -v wineserver || true)
if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
fi
wine_version=$("$wine" --version 2>/dev/null || true)
echo "wine: $wine ($wine_version); linker: $(x86_64-w64-mingw32-gcc -dumpversion)"

# --- 2. The builds ----------------------------------------------------------------------------
step "Build disclose.exe ($target, release; rustflags from .cargo/config.toml)"
cargo build --release --locked --target "$target"
exe=$root/target/$target/release/disclose.exe
[ -f "$exe" ] || die "the build did not produce $exe"

step "DLLs disclose.exe imports (only those Windows ships are allowed)"
dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^[[:space:]]*DLL Name: //p' | sort -fu)
[ -n "$dlls" ] || die "objdump found no imports in $exe (is it a Windows executable?)"
bad=()
while read -r dll; do
    case "${dll,,}" in
        kernel32.dll | advapi32.dll | bcrypt.dll | bcryptprimitives.dll | ntdll.dll | msvcrt.dll | \
            ucrtbase.dll | ws2_32.dll | user32.dll | userenv.dll | shell32.dll | ole32.dll | \
            api-ms-win-core-*.dll | api-ms-win-crt-*.dll)
            echo "  $dll" ;;
        *) echo "  $dll   <- NOT a Windows system DLL"; bad+=("$dll") ;;
    esac
done <<<"$dlls"
((${#bad[@]} == 0)) || die "disclose.exe needs DLLs that Windows does not ship: ${bad[*]}. \
Is target-feature=+crt-static still set in .cargo/config.toml?"

step "Build the Linux disclose, for comparison"
cargo build --locked
linux_bin=$root/target/debug/disclose

# --- 3. A private wine -------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/disclose-windows-check.XXXXXX")
export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
cleanup() {
    if [ -n "$wineserver" ]; then "$wineserver" -k >/dev/null 2>&1 || true; fi
    if [ "${KEEP_WORK:-0}" = 1 ]; then
        echo "work folder kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

step "Boot a private wine prefix (the first boot is the slow part)"
mkdir -p "$WINEPREFIX"
"$wine" wineboot.exe --init >/dev/null 2>&1 || true
"$wineserver" -w 2>/dev/null || true
[ -d "$WINEPREFIX/drive_c/windows/system32" ] || die "wine did not create its prefix in $WINEPREFIX"

# Rust's standard library gets its random numbers from ProcessPrng in bcryptprimitives.dll,
# which Windows 10 and later have and wine has only since 8.13 (Debian 12 ships 8.0). For those
# older wines, put a stand-in into the private prefix that answers ProcessPrng from wine's own
# RtlGenRandom. It exists only in this temporary prefix; real Windows uses its own DLL.
wine_major=$(sed -n 's/^wine-\([0-9]*\)\..*/\1/p' <<<"$wine_version")
wine_minor=$(sed -n 's/^wine-[0-9]*\.\([0-9]*\).*/\1/p' <<<"$wine_version")
if [ -z "${wine_major:-}" ] || ((wine_major < 8 || (wine_major == 8 && wine_minor < 13))); then
    echo "wine older than 8.13: adding a ProcessPrng stand-in to the private prefix"
    cat >"$work/bcryptprimitives.c" <<'EOF'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
EOF
    x86_64-w64-mingw32-gcc -shared -O2 -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        "$work/bcryptprimitives.c" -ladvapi32
fi

# Runs disclose.exe the way an analyst would: copied into a folder of its own, no install.
mkdir -p "$work/portable"
cp "$exe" "$work/portable/disclose.exe"
win() { "$wine" "$work/portable/disclose.exe" "$@"; }
# A Linux path as wine shows it to Windows programs: drive Z: with backslashes.
winpath() { printf 'Z:%s' "${1//\//\\}"; }

"$wine" "$work/portable/disclose.exe" --version >"$work/version.txt" 2>&1 ||
    die "disclose.exe does not start under wine: $(cat "$work/version.txt")"
echo "disclose.exe --version: $(tr -d '\r' <"$work/version.txt")"

# --- 4. The analyst's job under wine -----------------------------------------------------------
profile=bromley-yot-victims
period=2026-10
# The export sits where an analyst's might: a folder with a space and a non-ASCII dash.
exports="$work/Police exports – Oct"
mkdir -p "$exports"
cp fixtures/cris-victims.csv "$exports/cris-victims.csv"
input=$(winpath "$exports/cris-victims.csv")

step "wine: keygen (the partner's key pair)"
win keygen -o "$(winpath "$work/partner-key.txt")" >"$work/keygen.out" 2>"$work/keygen.err" ||
    die "disclose.exe keygen exited $?: $(cat "$work/keygen.err")"
public=$(sed -n 's/^Public key: //p' "$work/keygen.err" | tr -d '\r')
[[ $public == age1* ]] || die "keygen printed no public key: $(cat "$work/keygen.err")"
grep -q "^# public key: $public" "$work/partner-key.txt" ||
    die "the key file does not hold the public key keygen printed"

step "wine: pack --dry-run --json (which warnings must be acknowledged)"
set +e
win pack --profile "$profile" --input "$input" --period "$period" --dry-run --json \
    >"$work/dry-run.json" 2>"$work/dry-run.err"
rc=$?
set -e
((rc == 0 || rc == 1)) || die "the dry run exited $rc: $(cat "$work/dry-run.err")"
acks=()
while read -r code; do
    [ -n "$code" ] && acks+=(--acknowledge "$code")
done < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for w in d["warnings"]:
    if not w["acknowledged"]:
        print(w["code"])
' "$work/dry-run.json") || die "the dry run's JSON could not be read"
echo "acknowledging: ${acks[*]:-nothing}"

pack_args=(--profile "$profile" --period "$period" --recipient "Partner, check=$public" --analyst "Wine Check" --reason "Windows check"
    "${acks[@]}")

step "wine: pack (Windows paths: --input and --out with drive letter and backslashes)"
mkdir -p "$work/out-windows"
DISCLOSE_REGISTER=$(winpath "$work/register-windows.jsonl") \
    win pack "${pack_args[@]}" --input "$input" --out "$(winpath "$work/out-windows")" \
    >"$work/pack.out" 2>"$work/pack.err" ||
    die "disclose.exe pack exited $?: $(cat "$work/pack.err")"
tr -d '\r' <"$work/pack.out" | sed -n '/^Bundle written/,$p'
shopt -s nullglob
bundles=("$work"/out-windows/*.zip.age)
((${#bundles[@]} == 1)) || die "expected one bundle in out-windows, found ${#bundles[@]}"
wbundle=${bundles[0]}
left=$(find "$work/out-windows" -mindepth 1 ! -name '*.zip.age' ! -name '*.zip.age.sha256' ! -name '*.zip.age.sig')
[ -z "$left" ] || die "pack left other files in the output folder: $left"
[ -f "$wbundle.sha256" ] || die "no checksum file beside the bundle"
# Every bundle is signed (with the sender's own key, made on the first pack): the signature
# made on Windows must be one stock OpenSSH accepts.
[ -f "$wbundle.sig" ] || die "no signature beside the bundle"
ssh-keygen -Y check-novalidate -n disclose -s "$wbundle.sig" <"$wbundle" >/dev/null 2>&1 ||
    die "stock ssh-keygen does not accept the signature made on Windows"
read -r sum name <"$wbundle.sha256"
[ "$sum" = "$(sha256sum "$wbundle" | cut -d' ' -f1)" ] || die "the .sha256 file does not match the bundle"
[ "$name" = "$(basename "$wbundle")" ] || die "the .sha256 file names '$name', not the bundle's file name"
grep -q "SHA-256: *$sum" <(tr -d '\r' <"$work/pack.out") || die "pack did not print the bundle's SHA-256"
grep -qF 'Police exports – Oct\cris-victims.csv' "$work/pack.out" ||
    die "pack did not print the input's path unchanged (with its dash, as UTF-8)"

step "wine: verify --identity --extract (a relative folder with a backslash)"
(cd "$work" && "$wine" "$work/portable/disclose.exe" verify "$(winpath "$wbundle")" \
    --identity "$(winpath "$work/partner-key.txt")" --extract 'received\windows' \
    >"$work/verify.out" 2>"$work/verify.err") ||
    die "disclose.exe verify exited $?: $(cat "$work/verify.out" "$work/verify.err")"
tr -d '\r' <"$work/verify.out" | grep -E '^\[|VERIFIED'
grep -q '^VERIFIED: every check passed' "$work/verify.out" || die "verify did not say VERIFIED"
# On Windows, the marks are ASCII (docs/windows.md): no ✓ or ✗ may reach a redirected stream.
grep -q '^\[ok\] pass' "$work/verify.out" || die "verify's marks are not the ASCII [ok] on Windows"
! grep -q '✓\|✗\|→' "$work/verify.out" "$work/pack.out" || die "Unicode marks were printed on Windows"

step "wine: register --verify, and where the register goes by default"
DISCLOSE_REGISTER=$(winpath "$work/register-windows.jsonl") win register --verify \
    >"$work/register.out" 2>&1 || die "disclose.exe register --verify exited $?: $(cat "$work/register.out")"
tr -d '\r' <"$work/register.out"
tr -d '\r' <"$work/register.out" | grep -q ': 1 entry$' || die "the register does not hold exactly the one entry"
set +e
(unset DISCLOSE_REGISTER; win register >"$work/default-register.out" 2>&1)
rc=$?
set -e
tr -d '\r' <"$work/default-register.out" | head -1
((rc == 2)) && grep -qi 'AppData\\Roaming\\disclose\\register.jsonl' "$work/default-register.out" ||
    die "without DISCLOSE_REGISTER the register is not %APPDATA%\\disclose\\register.jsonl (exit $rc): $(cat "$work/default-register.out")"

# --- 5. The same job on Linux, and the two compared ---------------------------------------------
step "Linux: pack and verify the same input"
mkdir -p "$work/out-linux"
DISCLOSE_REGISTER=$work/register-linux.jsonl "$linux_bin" pack "${pack_args[@]}" \
    --input "$exports/cris-victims.csv" --out "$work/out-linux" >/dev/null 2>"$work/linux-pack.err" ||
    die "Linux pack exited $?: $(cat "$work/linux-pack.err")"
lbundle=$(ls "$work"/out-linux/*.zip.age)
"$linux_bin" verify "$lbundle" --identity "$work/partner-key.txt" --extract "$work/received/linux" \
    >"$work/linux-verify.out" 2>&1 || die "Linux verify exited $?: $(cat "$work/linux-verify.out")"

step "Compare: the data each build extracted, and each build verifying the other's bundle"
for f in data/cris-victims.csv manifest-sha256.txt; do
    [ -f "$work/received/windows/$f" ] || die "wine extracted no $f"
    cmp "$work/received/windows/$f" "$work/received/linux/$f" ||
        die "$f extracted under wine differs from the Linux build's"
    echo "  identical: $f ($(sha256sum <"$work/received/windows/$f" | cut -c1-16)...)"
done
"$linux_bin" verify "$wbundle" --identity "$work/partner-key.txt" >"$work/x1.out" 2>&1 ||
    die "the Linux build does not verify the bundle made under wine: $(cat "$work/x1.out")"
echo "  the Linux build verifies the bundle made under wine"
win verify "$(winpath "$lbundle")" --identity "$(winpath "$work/partner-key.txt")" >"$work/x2.out" 2>&1 ||
    die "disclose.exe does not verify the Linux bundle: $(cat "$work/x2.out")"
echo "  disclose.exe verifies the bundle made on Linux"
"$linux_bin" register --register "$work/register-windows.jsonl" --verify >"$work/x3.out" 2>&1 ||
    die "the Linux build does not accept the register written under wine: $(cat "$work/x3.out")"
echo "  the Linux build accepts the register written under wine"

# --- 6. The unit tests under wine -------------------------------------------------------------
if [ "${SKIP_UNIT_TESTS:-0}" != 1 ]; then
    step "wine: the library's unit tests (cargo test --lib --target $target)"
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$wine cargo test --locked --lib --target "$target" \
        2>&1 | tee "$work/unit.out" | grep -E '^test result|FAILED|panicked' || true
    grep -q '^test result: ok' "$work/unit.out" || die "unit tests failed under wine (see above)"
fi

step "Windows check passed in $((SECONDS - started)) s"
