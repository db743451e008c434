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
for c in synth scan demo run verify plan trial calibrate bench serve; do
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

# -- verify, run, demo ---------------------------------------------------------
"$S" verify --quick --json >"$T/verify.json" 2>"$T/err" \
  && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["pass"] and len(d["checks"]) >= 10' "$T/verify.json" \
  && ok "verify --quick passes" || bad "verify --quick passes: $(tail -3 "$T/err")"

cat >"$T/sc.json" <<'JSON'
{ "skin": { "synth": {"scars": {"boxcar": 1, "rolling": 1}, "size_mm": [12, 9], "px_um": 25, "seed": 4},
            "region": "cheek", "fitzpatrick": 3, "age": 28 },
  "protocol": { "device": "roller", "needle_mm": 1.5, "sessions": 2, "interval_weeks": 2,
                "adjuncts": ["prp_topical"], "follow_up_weeks": 2 },
  "grid": { "dx_um": 100 },
  "output": { "vti_days": [1, 14] } }
JSON
"$S" run "$T/sc.json" --out "$T/run1" --json --threads 1 >"$T/run1.json" 2>"$T/err" \
  && ok "run --json runs" || bad "run --json runs: $(tail -3 "$T/err")"
python3 - "$T/run1.json" "$T/run1" <<'PY' && ok "run: summary keys and files" || bad "run: summary keys and files"
import json, os, sys
d = json.load(open(sys.argv[1])); out = sys.argv[2]
assert d == json.load(open(os.path.join(out, "summary.json")))
keys = ("day", "mean_depth_mm", "volume_mm3", "improvement_pct", "goodman_baron_quantitative", "erythema_days")
assert len(d["sessions"]) == 2
for s in d["sessions"] + [d["final"]]:
    for k in keys:
        assert k in s, k
for k in ("collagen_change_pct", "epidermis_change_pct", "params"):
    assert k in d, k
assert d["final"]["day"] == 28
for f in ("timeseries.csv", "params.csv", "report.html", "surface_start.gsf", "surface_session1_before.gsf",
          "surface_session2_after.gsf", "surface_end.gsf", "scars.png", "scars.svg", "tissue.pvd"):
    assert os.path.getsize(os.path.join(out, f)) > 0, f
head = open(os.path.join(out, "timeseries.csv")).readline()
assert head.startswith("day,erythema"), head
assert "not a substitute" in open(os.path.join(out, "report.html")).read()
vtis = [f for f in os.listdir(out) if f.endswith(".vti")]
assert len(vtis) == 2, vtis
PY
python3 - "$T/run1" <<'PY' && ok "run: side effects with sources" || bad "run: side effects with sources"
import json, os, sys
out = sys.argv[1]
se = json.load(open(os.path.join(out, "summary.json")))["side_effects"]
assert se["fitzpatrick"] == 3 and se["device"] == "roller", se
items = se["items"]
ids = {i["id"] for i in items}
for k in ("erythema", "pih", "tram_track", "infection", "acne_flare", "herpes", "prp", "depth_scarring"):
    assert k in ids, k
for i in items:
    for k in ("id", "level", "text", "trigger", "numbers", "source"):
        assert k in i, (i.get("id"), k)
    assert i["level"] in ("info", "caution", "warning"), i
    assert i["source"] and i["numbers"], i["id"]
    for n in i["numbers"]:
        assert n["source"] and "value" in n and "unit" in n, n
assert [i["session"] for i in items if i["id"] == "erythema_session"] == [1, 2]
html = open(os.path.join(out, "report.html")).read()
assert "Tram-track marks" in html and "PMID 25196684" in html
PY
# The snapshots open in ParaView, the program people use for them (pvbatch
# runs headless).
if command -v pvbatch >/dev/null 2>&1; then
  cat >"$T/pv.py" <<'PY'
import sys
from paraview.simple import OpenDataFile
for path in sys.argv[1:]:
    r = OpenDataFile(path)
    r.UpdatePipeline()
    assert r.GetDataInformation().GetNumberOfCells() > 0, path
    names = [r.CellData.GetArray(i).GetName() for i in range(r.CellData.GetNumberOfArrays())]
    for name in ("layer", "damage", "growth_factor", "fibroblasts", "collagen_I", "elastin"):
        assert name in names, (path, name)
    lo, hi = r.CellData["collagen_I"].GetRange()
    assert hi > 100, (path, lo, hi)
print("ok")
PY
  pvbatch "$T/pv.py" "$T/run1/tissue.pvd" "$(ls "$T"/run1/*.vti | head -1)" >"$T/pv.out" 2>&1 \
    && grep -q "^ok" "$T/pv.out" && ok "run: .vti and .pvd open in ParaView" \
    || bad "run: .vti and .pvd open in ParaView: $(tail -3 "$T/pv.out")"
else
  echo "[   SKIP   ] run: .vti and .pvd open in ParaView (pvbatch not installed)"
fi
"$S" run "$T/sc.json" --out "$T/run2" --json --threads 2 >"$T/run2.json" 2>/dev/null
python3 - "$T/run1.json" "$T/run2.json" <<'PY' && ok "run: 1 and 2 threads give the same outcomes" || bad "run: 1 and 2 threads give the same outcomes"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("baseline", "sessions", "final", "scars", "collagen_change_pct", "epidermis_change_pct"):
    assert a[k] == b[k], k
PY
# Checkpoint and resume: SIGTERM once the first periodic checkpoint is on
# disk; the run stops at the next step with one line, exit 1, no folder;
# --resume ends with the numbers of the uninterrupted run (run1).
"$S" run "$T/sc.json" --out "$T/runck" --checkpoint-every 1 >/dev/null 2>"$T/ck.err" & ckpid=$!
for _ in $(seq 1 400); do [ -e "$T/runck.checkpoint" ] && break; sleep 0.05; done
kill -TERM $ckpid 2>/dev/null; wait $ckpid; ckrc=$?
if [ "$ckrc" -eq 1 ] && [ "$(wc -l <"$T/ck.err")" -eq 1 ] \
   && grep -q "^scarsim run: interrupted at day [0-9.]*; checkpoint written to $T/runck.checkpoint; continue with --resume$" "$T/ck.err" \
   && [ ! -e "$T/runck" ] && [ -s "$T/runck.checkpoint" ]; then ok "run: SIGTERM writes a checkpoint, exit 1, no folder"
else bad "run: SIGTERM writes a checkpoint, exit 1, no folder: exit $ckrc, $(head -c 300 "$T/ck.err")"; fi
sed 's/"interval_weeks": 2/"interval_weeks": 3/' "$T/sc.json" >"$T/sc_edited.json"
expect_fail "run: --resume with an edited scenario" 2 "the scenario changed since the checkpoint (protocol): 'interval_days=14' in the checkpoint, 'interval_days=21' now" \
  "$S" run "$T/sc_edited.json" --out "$T/runck" --resume
expect_fail "run: --resume with another seed" 2 "runck.checkpoint: header.seed:" "$S" run "$T/sc.json" --out "$T/runck" --resume --seed 9
"$S" run "$T/sc.json" --out "$T/runck" --resume >/dev/null 2>"$T/err" && ok "run --resume runs" || bad "run --resume runs: $(tail -3 "$T/err")"
python3 - "$T/run1" "$T/runck" <<'PY' && ok "run: resumed = uninterrupted (summary, time series, surfaces, snapshots)" || bad "run: resumed = uninterrupted"
import json, os, sys
a, b = sys.argv[1:3]
sa, sb = (json.load(open(os.path.join(d, "summary.json"))) for d in (a, b))
sa.pop("performance"); sb.pop("performance")
assert sa == sb, [k for k in sa if sa[k] != sb.get(k)]
names = sorted(f for f in os.listdir(a) if f.endswith((".csv", ".gsf", ".vti", ".pvd")))
assert names == sorted(f for f in os.listdir(b) if f.endswith((".csv", ".gsf", ".vti", ".pvd"))), names
assert len([f for f in names if f.endswith(".vti")]) == 2
for f in names:
    assert open(os.path.join(a, f), "rb").read() == open(os.path.join(b, f), "rb").read(), f
PY
[ ! -e "$T/runck.checkpoint" ] && ok "run: the checkpoint is removed after the run" || bad "run: the checkpoint is removed after the run"
expect_fail "run: --resume without a checkpoint" 2 "runck.checkpoint: expected a checkpoint to resume from, found none" \
  "$S" run "$T/sc.json" --out "$T/runck" --resume
expect_fail "run: --checkpoint-every 0" 2 "option --checkpoint-every: expected a number of days > 0, found '0'" \
  "$S" run "$T/sc.json" --out "$T/runck" --checkpoint-every 0
printf '{"skin": {"synth": {}}, "protocol": {"device": "pen", "needle_mm": 9, "sessions": 1}}' >"$T/bad.json"
expect_fail "run: bad scenario names file and field" 2 "bad.json:1:" "$S" run "$T/bad.json" --out "$T/badrun"
[ ! -e "$T/badrun/summary.json" ] && ok "run: no summary after a refused scenario" || bad "run: no summary after a refused scenario"
expect_fail "run: missing scenario" 2 "$T/none.json" "$S" run "$T/none.json" --out "$T/x"
expect_fail "run: no output folder" 2 "expected an output folder" "$S" run "$T/sc.json"

# Every example scenario reads and validates.
for f in "$here"/../../examples/scenarios/*.json "$here"/../../examples/scenarios/*.yaml; do
  "$S" run "$f" --check >/dev/null 2>"$T/err" && ok "example $(basename "$f") validates" \
    || bad "example $(basename "$f") validates: $(cat "$T/err")"
done

# -- trial and calibrate -----------------------------------------------------
A="$here/../../data/evidence/trials.csv"
expect_fail "trial: no arms file" 2 "expected an arms file" "$S" trial
expect_fail "trial: no output folder" 2 "expected an output folder" "$S" trial "$A"
expect_fail "trial: bad --patients" 2 "option --patients" "$S" trial "$A" --out "$T/tr" --patients 0
expect_fail "trial: unknown study" 2 "found 'Nobody2020'" "$S" trial "$A" --out "$T/tr" --study Nobody2020
expect_fail "trial: missing arms file" 2 "$T/none.csv" "$S" trial "$T/none.csv" --out "$T/tr"
printf 'study_id,arm,protocol_device\nX2020,a,lazer\n' >"$T/bad_arms.csv"
expect_fail "trial: bad device names file, line and column" 2 "bad_arms.csv:2:" "$S" trial "$T/bad_arms.csv" --out "$T/tr"
printf 'study_id,arm,notes\nX2020,a,"open quote\n' >"$T/quote_arms.csv"
expect_fail "trial: unbalanced quote" 2 "quote_arms.csv:2:" "$S" trial "$T/quote_arms.csv" --out "$T/tr"
expect_fail "calibrate: bad --design" 2 "option --design" "$S" calibrate "$A" --out "$T/cal" --design 1
expect_fail "calibrate: bad --refine" 2 "option --refine" "$S" calibrate "$A" --out "$T/cal" --refine 9
[ ! -e "$T/tr" ] && [ ! -e "$T/cal" ] && ok "trial: no output after refusals" || bad "trial: no output after refusals"

# A small replay: two short needling arms with published numbers and an
# untreated control; 2 patients each, coarse voxels.
cat >"$T/arms.csv" <<'CSV'
study_id,arm,design,n_patients,scale,baseline_score_mean,baseline_score_sd,final_score_mean,mean_improvement_pct,responder_def,responder_pct,protocol_device,protocol_needle_mm,protocol_sessions,protocol_interval_weeks,protocol_adjuncts,protocol_followup_weeks,unknown_column
Small2020,needling,prospective,20,Goodman-Baron quantitative,12,3,8,,,,roller,1.5,1,2,,2,x
Small2020,control,RCT,20,Goodman-Baron quantitative,12,3,,,,,none,,0,,,2,y
Other2021,needling,prospective,15,photo evaluation % improvement,,,,40,any improvement,90,pen,1.0,1,2,,2,z
CSV
if "$S" trial "$T/arms.csv" --out "$T/tr1" --patients 2 --dx-um 150 --json >"$T/tr1.json" 2>"$T/err"; then
  /usr/bin/python3 - "$T/tr1.json" "$T/tr1/trial.json" <<'PY' && ok "trial: keys, control unchanged, folder" || bad "trial: keys, control unchanged, folder"
import json, sys
j = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))
arms = j["arms"]
assert len(arms) == 3
for a in arms:
    for k in ("study_id", "arm", "published_improvement_pct", "predicted_improvement_pct",
              "predicted_ci95", "published_responder_pct", "predicted_responder_pct"):
        assert k in a, k
assert arms[1]["predicted_improvement_pct"] == 0, arms[1]
assert abs(arms[0]["published_improvement_pct"] - 100 * (1 - 8 / 12)) < 0.01
assert arms[2]["published_responder_pct"] == 90
assert f["arms"] == j["arms"]
PY
  /usr/bin/python3 - "$T/tr1/patients.csv" <<'PY' && ok "trial: arms of one study share their virtual patients" \
    || bad "trial: arms of one study share their virtual patients"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["study_id"] == "Small2020"]
before = {}
for r in rows:
    before.setdefault(r["patient"], set()).add(r["gb_quantitative_before"])
assert len(rows) == 4 and all(len(v) == 1 for v in before.values()), before
PY
  for f in trial.json arms.csv patients.csv params.csv report.html forest_improvement.png forest_improvement.svg; do
    [ -s "$T/tr1/$f" ] && ok "trial writes $f" || bad "trial writes $f"
  done
  grep -q "not a substitute" "$T/tr1/report.html" && ok "trial report carries the disclaimer" \
    || bad "trial report carries the disclaimer"
else
  bad "trial: small replay ran: $(cat "$T/err")"
fi

# The same replay on 2 MPI ranks gives the same numbers.
if command -v mpirun >/dev/null && [ -s "$T/tr1.json" ]; then
  if ASAN_OPTIONS=detect_leaks=0 mpirun --allow-run-as-root --oversubscribe -np 2 \
       "$S" trial "$T/arms.csv" --out "$T/tr2" --patients 2 --dx-um 150 --json >"$T/tr2.json" 2>"$T/err"; then
    /usr/bin/python3 - "$T/tr1.json" "$T/tr2.json" <<'PY' && ok "trial: 2 MPI ranks give one process's numbers" \
      || bad "trial: 2 MPI ranks give one process's numbers"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert b["options"]["ranks"] == 2, b["options"]
strip = lambda arms: [{k: v for k, v in x.items() if k != "seconds"} for x in arms]
assert strip(a["arms"]) == strip(b["arms"])
PY
  else
    bad "trial: mpirun -np 2 ran: $(tail -c 600 "$T/err")"
  fi
fi

# Calibration on the small table: 3 design points, 1 patient.
if "$S" calibrate "$T/arms.csv" --out "$T/cal" --patients 1 --design 3 --dx-um 150 --json \
     >"$T/cal.json" 2>"$T/err"; then
  /usr/bin/python3 - "$T/cal.json" "$T/cal/calibrated.csv" <<'PY' && ok "calibrate: objective, fit, leave-one-study-out" \
    || bad "calibrate: objective, fit, leave-one-study-out"
import csv, json, math, sys
j = json.load(open(sys.argv[1]))
assert "sum over targets" in j["objective"]
names = [p["name"] for p in j["parameters"]]
assert names == ["a_rho", "a_M", "kappa_t", "a_fill", "phi_rho", "ell_s", "f_regrow"], names
# round 0: 3 points and its optimum; one refining round: 2 new points (the
# incumbent reused) and its optimum
assert len(j["design"]) == 7, len(j["design"])
assert {t["study_id"] for t in j["targets"]} == {"Small2020", "Other2021"}
assert len(j["leave_one_study_out"]) == 2
T = j["targets"]
def J(y, skip=None):
    return sum(t["weight"] * ((v - t["observed"]) / t["scale"]) ** 2
               for t, v in zip(T, y) if t["study_id"] != skip)
Js = [J(p["targets"]) for p in j["design"]]
best = j["calibrated_point"]
# the calibrated set is the best point simulated, never worse than the defaults
assert abs(j["objective_calibrated_simulated"] - min(Js)) < 1e-3 * (1 + min(Js)), (Js, best)
assert abs(Js[best] - min(Js)) < 1e-9 * (1 + min(Js))
assert j["objective_calibrated_simulated"] <= j["objective_prior_simulated"] + 1e-9
assert abs(j["objective_prior_simulated"] - Js[0]) < 1e-3 * (1 + Js[0])
cal = {p["name"]: p["calibrated"] for p in j["parameters"]}
assert all(abs(cal[k] - v) <= 1e-5 * abs(v) for k, v in j["design"][best]["parameters"].items())
# each study is predicted by the simulated point that fits best without it
for t in T:
    k = min(range(len(Js)), key=lambda q: (J(j["design"][q]["targets"], t["study_id"]), q))
    i = T.index(t)
    assert abs(t["loso_predicted"] - j["design"][k]["targets"][i]) < 1e-3, (t, k)
rows = list(csv.DictReader(open(sys.argv[2])))
assert [r["symbol"] for r in rows] == names and all("scarsim calibrate" in r["provenance"] for r in rows)
PY
else
  bad "calibrate ran: $(cat "$T/err")"
fi

# --vary-params fits the varied cohort: the same first point (the defaults)
# on patients whose parameters are drawn around them gives other numbers.
if [ -s "$T/cal.json" ] && "$S" calibrate "$T/arms.csv" --out "$T/calv" --patients 1 --design 3 \
     --refine 0 --dx-um 150 --vary-params --json >"$T/calv.json" 2>"$T/err"; then
  /usr/bin/python3 - "$T/cal.json" "$T/calv.json" <<'PY' && ok "calibrate --vary-params: the cohort varied" \
    || bad "calibrate --vary-params: the cohort varied"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["options"]["vary_params"] is False and b["options"]["vary_params"] is True
assert a["design"][0]["parameters"] == b["design"][0]["parameters"]
assert a["design"][0]["targets"] != b["design"][0]["targets"], b["design"][0]["targets"]
PY
else
  bad "calibrate --vary-params ran: $(cat "$T/err")"
fi

# -- plan --------------------------------------------------------------------
expect_fail "plan: no patient file" 2 "expected a patient file" "$S" plan --out "$T/pl"
expect_fail "plan: no output folder" 2 "expected --out DIR" "$S" plan "$here/../../examples/patients/sarah.json"
expect_fail "plan: bad --patients" 2 "option --patients" "$S" plan "$here/../../examples/patients/sarah.json" --out "$T/pl" --patients 1
printf '{ "age": 30, "fitzpatrick": 7, "skin": {"scars": {"boxcar": 2}} }\n' >"$T/bad_patient.json"
expect_fail "plan: out-of-range field names file, line and column" 2 "bad_patient.json:1:" "$S" plan "$T/bad_patient.json" --out "$T/pl"
expect_fail "plan: missing patient file" 2 "$T/none.json" "$S" plan "$T/none.json" --out "$T/pl"
[ ! -e "$T/pl" ] && ok "plan: no output after refusals" || bad "plan: no output after refusals"
# Not a candidate: a plan document that says why, and no search.
cat >"$T/acne.json" <<'JSON'
{ "age": 19, "fitzpatrick": 2, "skin": {"scars": {"boxcar": 3, "icepick": 4}},
  "history": {"active_acne": true, "isotretinoin_months_ago": 2},
  "preferences": {"start_date": "2027-01-04"} }
JSON
if "$S" plan "$T/acne.json" --out "$T/pl0" --json >"$T/pl0.json" 2>"$T/err"; then
  /usr/bin/python3 - "$T/pl0.json" <<'PY' && ok "plan: not a candidate, reasons and what to do first" \
    || bad "plan: not a candidate, reasons and what to do first"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["candidate"] is False and j["plans"] == [] and j["recommended"] is None
ids = [r["id"] for r in j["reasons"]]
assert "active_acne" in ids and "isotretinoin" in ids, ids
iso = [r for r in j["reasons"] if r["id"] == "isotretinoin"][0]
assert iso["level"] == "contraindication" and iso["not_before"] == "2027-05-06", iso
assert all(r["sources"] for r in j["reasons"])
PY
  grep -q "not a substitute" "$T/pl0/report.html" && [ ! -e "$T/pl0/plans.csv" ] \
    && ok "plan: not-a-candidate report, no plans table" || bad "plan: not-a-candidate report, no plans table"
else
  bad "plan: not-a-candidate ran: $(cat "$T/err")"
fi
# A small search: 2 virtual patients, coarse voxels, one sweep.
cat >"$T/small_patient.yaml" <<'YAML'
name: Test
age: 30
fitzpatrick: 5
skin: {scars: {boxcar: 2, icepick: 3}}
history: {herpes_history: true}
preferences: {setting: clinic, max_sessions: 3, start_date: "2027-01-11", adjuncts_ok: [prp_topical]}
YAML
if "$S" plan "$T/small_patient.yaml" --out "$T/pl1" --patients 2 --dx-um 200 --sweeps 1 --json \
     >"$T/pl1.json" 2>"$T/err"; then
  /usr/bin/python3 - "$T/pl1.json" "$T/pl1/plan.json" <<'PY' && ok "plan: keys, limits kept, schedule, recommendation" \
    || bad "plan: keys, limits kept, schedule, recommendation"
import json, sys
j = json.load(open(sys.argv[1]))
assert j == json.load(open(sys.argv[2]))
assert j["candidate"] is True
ids = [r["id"] for r in j["reasons"]]
assert "herpes_history" in ids and "pih_risk" in ids, ids
lim = j["limits"]
assert lim["antiviral_cover"] is True and lim["max_needle_mm"] <= 1.5 and lim["min_interval_weeks"] >= 6
plans = j["plans"]
assert len(plans) >= 5 and 0 <= j["recommended"] < len(plans)
assert plans[j["recommended"]]["recommended"] is True
for p in plans:
    for k in ("device", "needle_mm", "sessions", "interval_weeks", "adjuncts",
              "predicted_improvement_pct", "ci95", "risks", "schedule"):
        assert k in p, k
    assert p["needle_mm"] <= 1.5 and p["interval_weeks"] >= 6 and p["sessions"] <= 3
    assert p["device"] in ("pen", "roller", "rf_microneedle"), p["device"]
    assert p["schedule"][0] == "2027-01-11" and len(p["schedule"]) == p["sessions"]
    assert p["ci95"][0] <= p["predicted_improvement_pct"] <= p["ci95"][1]
imps = [p["predicted_improvement_pct"] for p in plans]
assert imps == sorted(imps, reverse=True)
PY
  for f in plan.json plans.csv params.csv report.html tradeoff.png tradeoff.svg; do
    [ -s "$T/pl1/$f" ] && ok "plan writes $f" || bad "plan writes $f"
  done
  grep -q "not a substitute" "$T/pl1/report.html" && grep -q "data:image/png;base64" "$T/pl1/report.html" \
    && ! grep -qi ">nan<" "$T/pl1/report.html" && ok "plan report: disclaimer, plot, no NaN" \
    || bad "plan report: disclaimer, plot, no NaN"
else
  bad "plan: small search ran: $(cat "$T/err")"
fi

# The same search on 2 MPI ranks gives the same plan.
if command -v mpirun >/dev/null && [ -s "$T/pl1.json" ]; then
  if ASAN_OPTIONS=detect_leaks=0 mpirun --allow-run-as-root --oversubscribe -np 2 \
       "$S" plan "$T/small_patient.yaml" --out "$T/pl2" --patients 2 --dx-um 200 --sweeps 1 --json \
       >"$T/pl2.json" 2>"$T/err"; then
    /usr/bin/python3 - "$T/pl1.json" "$T/pl2.json" <<'PY' && ok "plan: 2 MPI ranks give one process's plan" \
      || bad "plan: 2 MPI ranks give one process's plan"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for x in (a, b):
    x.pop("provenance", None)
    for k in ("seconds", "patient_seconds"):
        x["search"].pop(k)
assert a == b
PY
  else
    bad "plan: mpirun -np 2 ran: $(tail -c 600 "$T/err")"
  fi
fi

# -- serve -------------------------------------------------------------------
expect_fail "serve: bad option" 2 "unknown option '--bogus'" "$S" serve --bogus
expect_fail "serve: bad port" 2 "option --port" "$S" serve --port 70000
# serve_start OUT ERR ARGS...: starts the server in the background, waits
# for its one line on stdout (the URL) and sets spid and url.
serve_start() {
  local out=$1 err=$2; shift 2
  "$S" serve --port 0 --threads 1 "$@" >"$out" 2>"$err" &
  spid=$!; url=""
  for _ in $(seq 100); do
    url=$(head -n 1 "$out" 2>/dev/null)
    [ -n "$url" ] && break
    sleep 0.1
  done
}
if command -v curl >/dev/null; then
  mkdir -p "$T/serve-work"
  serve_start "$T/serve.out" "$T/serve.err" --work "$T/serve-work"
  case "$url" in http://127.0.0.1:*/) ok "serve: prints its URL" ;;
    *) bad "serve: prints its URL: '$url' $(cat "$T/serve.err")" ;; esac
  code=$(curl -s -o "$T/health.json" -w '%{http_code}' "${url}api/health")
  [ "$code" = 200 ] && grep -q '"status": "ok"' "$T/health.json" && ok "serve: /api/health" \
    || bad "serve: /api/health: $code"
  code=$(curl -s -o "$T/bad.json" -w '%{http_code}' -X POST --data-binary '{"kind": ' "${url}api/jobs")
  [ "$code" = 400 ] && grep -q '"line": 1' "$T/bad.json" && ok "serve: bad JSON is 400 with its line" \
    || bad "serve: bad JSON is 400 with its line: $code $(cat "$T/bad.json")"
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/octet-stream' \
         --data-binary @"$T/skin.gsf" "${url}api/scan?name=skin.gsf")
  [ "$code" = 200 ] && ok "serve: /api/scan of a synth surface" || bad "serve: /api/scan: $code"
  head -c 70000000 /dev/zero >"$T/huge.bin"
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$T/huge.bin" "${url}api/scan?name=x.gsf")
  [ "$code" = 413 ] && ok "serve: upload over the limit is 413" || bad "serve: upload over the limit: $code"
  rm -f "$T/huge.bin"
  hdr=$(curl -s -D - -o /dev/null "${url}api/options")
  echo "$hdr" | grep -qi '^X-Content-Type-Options: nosniff' && ok "serve: nosniff header" \
    || bad "serve: nosniff header: $hdr"
  kill -TERM "$spid"; wait "$spid"; rc=$?
  [ "$rc" -eq 0 ] && ok "serve: SIGTERM exits 0" || bad "serve: SIGTERM exits $rc: $(cat "$T/serve.err")"
  [ -d "$T/serve-work/uploads" ] && ok "serve: a given --work folder is kept" \
    || bad "serve: a given --work folder is kept"
  # the default work folder is a fresh one under TMPDIR, removed on exit
  mkdir -p "$T/serve-tmp"
  TMPDIR="$T/serve-tmp" serve_start "$T/serve2.out" "$T/serve2.err" --quiet
  [ -n "$(ls "$T/serve-tmp")" ] && ok "serve: default work folder made" || bad "serve: default work folder made"
  code=$(curl -s -o /dev/null -w '%{http_code}' "${url}api/nothing")
  [ "$code" = 404 ] && ok "serve: unknown path 404" || bad "serve: unknown path: $code"
  kill -INT "$spid"; wait "$spid"; rc=$?
  [ "$rc" -eq 0 ] && [ -z "$(ls "$T/serve-tmp")" ] && [ ! -s "$T/serve2.err" ] \
    && ok "serve: SIGINT exits 0 and removes its work folder" \
    || bad "serve: SIGINT: exit $rc, left $(ls "$T/serve-tmp"), $(cat "$T/serve2.err")"
else
  echo "[  SKIPPED ] serve over HTTP: no curl"
fi

out=$("$S" demo --quick --out "$T/demo" 2>"$T/err")
if [ "$out" = "$T/demo/report.html" ] && grep -q "not a substitute" "$T/demo/report.html" \
   && grep -q "data:image/png;base64" "$T/demo/report.html"; then ok "demo writes its report"
else bad "demo writes its report: $out $(cat "$T/err")"; fi
for f in scenario.json summary.json timeseries.csv surface_start.gsf surface_end.gsf params.csv; do
  [ -s "$T/demo/$f" ] && ok "demo writes $f" || bad "demo writes $f"
done
[ -z "$(find "$T" -name '*.tmp-*')" ] && ok "no temporaries left" || bad "no temporaries left"

echo "[==========] cli: $((pass+failn)) test(s) run."
if [ $failn -ne 0 ]; then echo "[  FAILED  ] $failn test(s)."; exit 1; fi
echo "[  PASSED  ] $pass test(s)."
