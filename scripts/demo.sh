#!/usr/bin/env bash
# The main job on the bundled defaults, end to end: a partner's key is made, the synthetic CRIS
# export in fixtures/ is packed under the Bromley YOT agreement into an encrypted bundle, and
# the bundle is verified as the partner would on receipt. Everything goes to a fresh temporary
# folder, which is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/disclose
work=$(mktemp -d)
export DISCLOSE_REGISTER="$work/register.jsonl"

echo "== 1. The partner (Bromley YOT) makes a key pair and sends the public key"
"$bin" keygen -o "$work/yot-identity.txt" 2> "$work/keygen.txt"
public=$(sed -n 's/^Public key: //p' "$work/keygen.txt")
echo "   public key: $public"

echo "== 2. The analyst packs October's CRIS export under the Bromley agreement"
mkdir -p "$work/out"
"$bin" pack --profile bromley-yot-victims --input fixtures/cris-victims.csv --period 2026-10 \
    --recipient "Bromley YOT, victim contact=$public" --out "$work/out" --analyst "Demo Analyst" --reason "October YOT victim contact list" \
    --acknowledge review-overdue --acknowledge no-electronic-transfer \
    --acknowledge victim-assessed-before-release --acknowledge rjo-signed-undertaking \
    --acknowledge no-protective-marking --acknowledge period-over-12-months-ago

echo
echo "== 3. The partner verifies the bundle on receipt and extracts it"
bundle=$(ls "$work"/out/*.zip.age)
"$bin" verify "$bundle" --identity "$work/yot-identity.txt" --extract "$work/received"

echo
echo "== 4. The register of disclosures"
"$bin" register --verify
echo
echo "Everything is in $work"
