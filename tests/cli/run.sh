#!/usr/bin/env bash
# Command-line regression runs: exit codes, one-line errors, no half-written
# output, determinism, and results compared with stored ones under a stated
# tolerance (tests/cli/expected/).
set -uo pipefail
S=${SCARSIM:-build/scarsim}
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/scarsim-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 failn=0
ok()   { pass=$((pass+1)); echo "[       OK ] $1"; }
bad()  { failn=$((failn+1)); echo "[  FAILED  ] $1"; }

# expect_fail NAME CODE FRAGMENT CMD...: exits with CODE, prints exactly one
# line on stderr containing FRAGMENT.
expect_fail() {
  local name=$1 code=$2 frag=$3; shift 3
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  local lines; lines=$(wc -l <"$T/err")
  if [ "$rc" -ne "$code" ]; then bad "$name: exit $rc, expected $code ($(head -c 300 "$T/err"))"; return; fi
  if [ "$lines" -ne 1 ]; then bad "$name: $lines lines on stderr, expected 1: $(head -c 300 "$T/err")"; return; fi
  if ! grep -qF -- "$frag" "$T/err"; then bad "$name: stderr lacks '$frag': $(cat "$T/err")"; return; fi
  ok "$name"
}

# -- usage -------------------------------------------------------------------
"$S" --help >"$T/out" 2>&1 && grep -q "scan" "$T/out" && ok "help" || bad "help"
for c in synth scan demo; do
  "$S" $c --help >"$T/out" 2>&1 && grep -q "Usage: scarsim $c" "$T/out" && ok "$c --help" || bad "$c --help"
done
expect_fail "unknown command" 2 "unknown command 'frobnicate'" "$S" frobnicate
expect_fail "scan without file" 2 "expected a surface file" "$S" scan
expect_fail "scan bad option" 2 "unknown option '--bogus'" "$S" scan x.gsf --bogus 1
expect_fail "scan non-number" 2 "expected a number, found 'deep'" "$S" scan x.gsf --min-depth-um deep
expect_fail "synth no output" 2 "expected an output file" "$S" synth
expect_fail "synth bad type" 2 "found 'pimple'" "$S" synth --scars pimple:3 -o "$T/a.gsf"
expect_fail "synth bad count" 2 "expected a count" "$S" synth --scars boxcar:-1 -o "$T/a.gsf"
expect_fail "synth bad size" 2 "expected WxH" "$S" synth --size-mm 12 -o "$T/a.gsf"
expect_fail "synth bad extension" 2 "expected a .gsf, .x3p, .png or .csv" "$S" synth -o "$T/a.doc"
expect_fail "synth bad seed" 2 "option --seed" "$S" synth --seed -3 -o "$T/a.gsf"
expect_fail "synth zero pixel" 2 "px_um" "$S" synth --px-um 0 -o "$T/a.gsf"
[ ! -e "$T/a.gsf" ] && ok "no output after failed synth" || bad "no output after failed synth"

# -- bad input files ---------------------------------------------------------
expect_fail "missing file" 2 "$T/none.gsf" "$S" scan "$T/none.gsf"
printf 'Not a Gwyddion file\n' >"$T/magic.gsf"
expect_fail "wrong magic" 2 "magic.gsf" "$S" scan "$T/magic.gsf"
printf 'Gwyddion Simple Field 1.0\nXRes = 100\nYRes = 100\n\0\0\0\0' >"$T/trunc.gsf"
expect_fail "truncated gsf" 2 "trunc.gsf" "$S" scan "$T/trunc.gsf"
printf 'Gwyddion Simple Field 1.0\nXRes = -5\nYRes = 100\n\0\0\0\0' >"$T/neg.gsf"
expect_fail "negative size" 2 "XRes" "$S" scan "$T/neg.gsf"
printf '1,2,3\n4,5\n' >"$T/ragged.csv"
expect_fail "ragged csv" 2 "ragged.csv:2" "$S" scan "$T/ragged.csv" --px-um 20
printf '1,2,3\n4,nan,6\n' >"$T/nan.csv"
expect_fail "nan csv" 2 "nan.csv" "$S" scan "$T/nan.csv" --px-um 20
expect_fail "csv without scale" 2 "--px-um" "$S" scan "$T/nan.csv"
expect_fail "unwritable png" 2 "$T/no/dir/x.png" "$S" synth -o "$T/no/dir/x.png"

# -- synth, scan, demo -------------------------------------------------------
if "$S" synth --scars icepick:2,boxcar:3,rolling:1 --size-mm 14x12 --px-um 20 --seed 7 \
     -o "$T/skin.gsf" 2>"$T/err"; then ok "synth runs"; else bad "synth runs: $(cat "$T/err")"; fi
[ -s "$T/skin.gsf" ] && [ -s "$T/skin.truth.json" ] && ok "synth writes surface and truth" \
  || bad "synth writes surface and truth"
"$S" scan "$T/skin.gsf" --json --png "$T/scan.png" >"$T/scan.json" 2>"$T/err" \
  && ok "scan --json runs" || bad "scan --json runs: $(cat "$T/err")"
python3 - "$T/scan.json" <<'PY' && ok "scan --json keys" || bad "scan --json keys"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("scars", "counts", "goodman_baron", "ecca", "iso25178"):
    assert k in d, k
for s in d["scars"]:
    for k in ("type", "x_mm", "y_mm", "width_mm", "depth_mm", "area_mm2", "volume_mm3"):
        assert k in s, k
for k in ("icepick", "boxcar", "rolling", "hypertrophic"):
    assert k in d["counts"], k
assert set(("qualitative_grade", "quantitative_score")) <= set(d["goodman_baron"])
assert set(("Sa_um", "Sq_um", "Sz_um", "Sv_um")) <= set(d["iso25178"])
assert 0 <= d["goodman_baron"]["quantitative_score"] <= 84 and 0 <= d["ecca"] <= 540
PY
head -c 8 "$T/scan.png" | od -An -tx1 | grep -q "89 50 4e 47" && ok "scan --png writes a PNG" \
  || bad "scan --png writes a PNG"
"$S" scan "$T/skin.gsf" >"$T/table.txt" 2>&1 && grep -q "Goodman-Baron quantitative" "$T/table.txt" \
  && grep -q "not a substitute" "$T/table.txt" && ok "scan prints a table" || bad "scan prints a table"

# Determinism: same seed, same numbers; thread count does not matter.
"$S" synth --scars icepick:2,boxcar:3,rolling:1 --size-mm 14x12 --px-um 20 --seed 7 \
  --threads 1 -o "$T/skin1.gsf" 2>/dev/null
cmp -s "$T/skin.gsf" "$T/skin1.gsf" && ok "synth: same seed, 1 vs default threads, same bytes" \
  || bad "synth: same seed, 1 vs default threads, same bytes"
"$S" scan "$T/skin.gsf" --json --threads 1 >"$T/scan1.json" 2>/dev/null
"$S" scan "$T/skin.gsf" --json --threads 2 >"$T/scan2.json" 2>/dev/null
cmp -s "$T/scan1.json" "$T/scan2.json" && ok "scan: 1 and 2 threads give the same JSON" \
  || bad "scan: 1 and 2 threads give the same JSON"

# Every format carries the same surface to the same scan result.
for ext in x3p csv png; do
  "$S" synth --scars icepick:2,boxcar:3,rolling:1 --size-mm 14x12 --px-um 20 --seed 7 \
    -o "$T/skin.$ext" 2>/dev/null
  "$S" scan "$T/skin.$ext" --json >"$T/scan.$ext.json" 2>"$T/err" \
    && python3 - "$T/scan.json" "$T/scan.$ext.json" <<'PY' && ok "scan via .$ext agrees with .gsf" || bad "scan via .$ext agrees with .gsf: $(cat "$T/err")"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["counts"] == b["counts"], (a["counts"], b["counts"])
assert abs(a["goodman_baron"]["quantitative_score"] - b["goodman_baron"]["quantitative_score"]) <= 0
for x, y in zip(a["scars"], b["scars"]):
    assert x["type"] == y["type"]
    assert abs(x["depth_mm"] - y["depth_mm"]) <= 0.01 + 0.02 * x["depth_mm"], (x, y)
PY
done

# Stored regression: the scan of a fixed synthetic skin, within tolerance.
if [ -f "$here/expected/scan_seed7.json" ]; then
  python3 "$here/compare.py" "$here/expected/scan_seed7.json" "$T/scan.json" \
    && ok "scan matches stored result" || bad "scan matches stored result"
else
  bad "stored result tests/cli/expected/scan_seed7.json missing"
fi

out=$("$S" demo --out "$T/demo" 2>"$T/err")
if [ "$out" = "$T/demo/report.html" ] && grep -q "not a substitute" "$T/demo/report.html" \
   && grep -q "data:image/png;base64" "$T/demo/report.html"; then ok "demo writes its report"
else bad "demo writes its report: $out $(cat "$T/err")"; fi
for f in skin.gsf skin.truth.json scan.json scan.png; do
  [ -s "$T/demo/$f" ] && ok "demo writes $f" || bad "demo writes $f"
done
[ -z "$(find "$T" -name '*.tmp-*')" ] && ok "no temporaries left" || bad "no temporaries left"

echo "[==========] cli: $((pass+failn)) test(s) run."
if [ $failn -ne 0 ]; then echo "[  FAILED  ] $failn test(s)."; exit 1; fi
echo "[  PASSED  ] $pass test(s)."
