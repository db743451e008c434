#!/usr/bin/env python3
"""gen_params.py -- the one parameter table (STYLE.md rule 6).

Reads the model's parameter table (data/model/parameters.csv, copied from the
model specification) and writes a C header with two X-macros:

  SCAR_PARAMS_TABLE(X)    one X(symbol, value, "unit", lo, hi, "meaning",
                          "source", "notes", KIND) per row, in CSV order
  SCAR_PARAMS_DERIVED(X)  one X(symbol, "inputs") per derived row, the table
                          symbols its formula (in the source column) uses

The CSV is validated first so that a bad edit stops the build with the line
to fix, instead of surfacing as a wrong number in a simulation.

usage: gen_params.py parameters.csv out.h
"""
import csv
import keyword
import math
import os
import re
import sys

COLUMNS = ["symbol", "meaning", "value", "unit", "range_low", "range_high",
           "source", "notes"]
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# C11 keywords and the names <math.h> defines as macros: a parameter with one
# of these names would not compile as a struct member.
C_RESERVED = set("""auto break case char const continue default do double else
enum extern float for goto if inline int long register restrict return short
signed sizeof static struct switch typedef union unsigned void volatile while
_Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
_Static_assert _Thread_local NAN INFINITY HUGE_VAL HUGE_VALF HUGE_VALL
M_PI M_E EOF NULL""".split())


class TableError(Exception):
    pass


def fail(path, line, msg):
    raise TableError(f"{path}:{line}: {msg}")


def number(path, line, column, text, allow_dash):
    """A finite float, or None for "-" where the column allows it."""
    text = text.strip()
    if allow_dash and text == "-":
        return None
    try:
        v = float(text)
    except ValueError:
        want = "a number or '-'" if allow_dash else "a number"
        fail(path, line, f"{column}: expected {want}, found '{text}'")
    if not math.isfinite(v):
        fail(path, line, f"{column}: expected a finite number, found '{text}'")
    return v


def kind_of(source, rows_by_symbol, previous):
    """SCAR_PK_DERIVED / _ESTIMATE / _SOURCED from the source column.

    A row whose source is "same as above" or "same as SYMBOL" takes the kind
    of the row it points to: z_peel_med says "same as above" of an estimate.
    """
    s = source.strip().lower()
    m = re.fullmatch(r"same as (\S+)", s)
    if m:
        ref = previous if m.group(1) == "above" else rows_by_symbol.get(m.group(1))
        if ref is not None:
            return ref["kind"]
    if s.startswith("derived"):
        return "SCAR_PK_DERIVED"
    if s.startswith("estimate") or s == "recommendation":
        return "SCAR_PK_ESTIMATE"
    return "SCAR_PK_SOURCED"


def read_table(path):
    rows, by_symbol = [], {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            fail(path, 1, "empty file, expected the header " + ",".join(COLUMNS))
        if header != COLUMNS:
            fail(path, 1, "expected the header " + ",".join(COLUMNS) +
                 ", found " + ",".join(header))
        end = reader.line_num
        try:
            for rec in reader:
                line, end = end + 1, reader.line_num  # a record may span lines
                if not any(field.strip() for field in rec):
                    continue
                if len(rec) != len(COLUMNS):
                    fail(path, line, f"expected {len(COLUMNS)} columns, found {len(rec)}")
                r = dict(zip(COLUMNS, rec))
                sym = r["symbol"].strip()
                if not IDENT.fullmatch(sym) or sym in C_RESERVED or keyword.iskeyword(sym):
                    fail(path, line, f"symbol: expected a C identifier, found '{sym}'")
                if sym in by_symbol:
                    fail(path, line, f"symbol: '{sym}' already defined on line "
                         f"{by_symbol[sym]['line']}")
                hint = {"meaning": "", "unit": " (write '-' when dimensionless)",
                        "source": " (write 'estimate' when there is none)"}
                for col, why in hint.items():
                    if not r[col].strip():
                        fail(path, line, f"{sym}: {col} is empty{why}")
                value = number(path, line, f"{sym}: value", r["value"], False)
                lo = number(path, line, f"{sym}: range_low", r["range_low"], True)
                hi = number(path, line, f"{sym}: range_high", r["range_high"], True)
                if lo is not None and hi is not None and lo > hi:
                    fail(path, line, f"{sym}: range_low {lo:g} > range_high {hi:g}")
                if (lo is not None and value < lo) or (hi is not None and value > hi):
                    fail(path, line, f"{sym}: value {value:g} outside its range "
                         f"[{r['range_low']}, {r['range_high']}]")
                row = {"line": line, "symbol": sym, "value": value, "lo": lo, "hi": hi,
                       "unit": r["unit"].strip(), "meaning": r["meaning"].strip(),
                       "source": r["source"].strip(), "notes": r["notes"].strip()}
                row["kind"] = kind_of(row["source"], by_symbol, rows[-1] if rows else None)
                rows.append(row)
                by_symbol[sym] = row
        except csv.Error as e:
            fail(path, reader.line_num, f"malformed CSV: {e}")
    if not rows:
        fail(path, 2, "no parameters")
    for row in rows:
        if row["kind"] == "SCAR_PK_DERIVED":
            formula = row["source"].split(":", 1)[-1]
            used = []
            for tok in IDENT.findall(formula):
                if tok in by_symbol and tok != row["symbol"] and tok not in used:
                    used.append(tok)
            if not used:
                fail(path, row["line"], f"{row['symbol']}: a derived parameter's source "
                     "must give its formula in table symbols, e.g. 'derived: a = b/c'")
            row["inputs"] = used
    return rows


def c_string(s):
    """A C string literal.  '?' is escaped because -std=c11 honours trigraphs;
    non-ASCII bytes become 3-digit octal escapes (never greedy, unlike hex)."""
    out = ['"']
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append("\\%03o" % b)
    out.append('"')
    return "".join(out)


def c_double(v):
    """Shortest literal that reads back as the same double, or NAN."""
    if v is None:
        return "NAN"
    text = repr(float(v))
    return text if any(c in text for c in ".eEn") else text + ".0"


def render(rows, csv_path):
    out = [
        f"/* Generated by scripts/gen_params.py from {csv_path}: do not edit.",
        " * Edit the CSV; docs/parameters.md says how. */",
        "#ifndef SCAR_PARAMS_TABLE_H",
        "#define SCAR_PARAMS_TABLE_H",
        "",
        "#include <math.h> /* NAN marks a range end that is not given */",
        "",
        f"#define SCAR_PARAMS_COUNT {len(rows)}",
        "",
        "/* X(symbol, value, unit, lo, hi, meaning, source, notes, kind) */",
        "#define SCAR_PARAMS_TABLE(X) \\",
    ]
    for r in rows:
        args = [r["symbol"], c_double(r["value"]), c_string(r["unit"]), c_double(r["lo"]),
                c_double(r["hi"]), c_string(r["meaning"]), c_string(r["source"]),
                c_string(r["notes"]), r["kind"]]
        out.append("    X(" + ", ".join(args) + ") \\")
    out.append("")
    out.append("/* X(symbol, inputs): the table symbols a derived row's formula uses. */")
    out.append("#define SCAR_PARAMS_DERIVED(X) \\")
    for r in rows:
        if r["kind"] == "SCAR_PK_DERIVED":
            out.append(f"    X({r['symbol']}, {c_string(', '.join(r['inputs']))}) \\")
    out += ["", "#endif /* SCAR_PARAMS_TABLE_H */", ""]
    return "\n".join(out)


def main(argv):
    if len(argv) != 3:
        print("usage: gen_params.py parameters.csv out.h", file=sys.stderr)
        return 2
    csv_path, out_path = argv[1], argv[2]
    try:
        rows = read_table(csv_path)
    except TableError as e:
        print(f"gen_params: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"gen_params: {csv_path}: {e.strerror}", file=sys.stderr)
        return 1
    text = render(rows, csv_path)
    # Atomic replace, so an interrupted build never leaves half a header.
    tmp = f"{out_path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(text)
    os.replace(tmp, out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
