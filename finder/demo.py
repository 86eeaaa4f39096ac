"""`make demo`: a whole session on the bundled samples, in a throwaway data folder.

It runs the same commands a person would type, printing each one first, so
the demo doubles as a walk-through. Nothing touches the user's own data: the
data folder is a new temporary folder, deleted at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from finder.words import plural

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "demo"


def _run(home: Path, *args: str, show: bool = True, check: bool = True) -> str:
    if show:
        print(f"\n$ finder {' '.join(_quote(a) for a in args)}", flush=True)
    env = {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}
    env.setdefault("COLUMNS", str(shutil.get_terminal_size((120, 40)).columns))
    proc = subprocess.run(
        [sys.executable, "-m", "finder", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if show:
        sys.stdout.write(proc.stdout)
        sys.stdout.write(proc.stderr)
        sys.stdout.flush()
    if check and proc.returncode != 0:
        raise SystemExit(f"demo step failed (exit {proc.returncode}): finder {' '.join(args)}")
    return proc.stdout


def _quote(arg: str) -> str:
    return f'"{arg}"' if (" " in arg or not arg) else arg


def _ids_by_name(home: Path) -> dict[str, int]:
    rows = json.loads(_run(home, "list", "--json", show=False))
    return {row["name"]: row["id"] for row in rows}


BUDGET = 170


def _say(text: str) -> None:
    print(f"\n# {text}", flush=True)


def _explain_merges(home: Path) -> None:
    """Why "8 imported" became fewer therapists: the same clinician found in several files."""
    rows = json.loads(_run(home, "list", "--json", show=False))
    records = sum(row["sources"] for row in rows)
    merged = [row for row in rows if row["sources"] > 1]
    if not merged:
        return
    who = "; ".join(f"{row['name']} (id {row['id']}) is in {row['sources']} of the files"
                    for row in merged)  # fmt: skip
    _say(f"{records} records, {len(rows)} therapists: {who}, so finder joined those records "
         "into one therapist. `finder show ID` lists every source; `finder split ID` undoes it.")  # fmt: skip


def _explain_exclusions(home: Path) -> None:
    """Who the profile's needs left out, and why, before the demo shortlists one of them."""
    fits = json.loads(_run(home, "search", "--ipt", "described", "--json", show=False))
    everyone = json.loads(
        _run(home, "search", "--ipt", "described", "--no-profile", "--json", show=False)
    )
    shown = {row["id"] for row in fits}
    left = [row for row in everyone if row["id"] not in shown]
    if not left:
        return
    reasons = []
    for row in left:
        fee = row.get("fee")
        over = (
            f": listed fee ${fee:,.0f}, over the ${BUDGET} budget" if fee and fee > BUDGET else ""
        )
        reasons.append(f"{row['name']} (id {row['id']}){over}")
    _say(f"The profile's needs left out {plural(len(left), 'therapist')} with IPT evidence: "
         f"{'; '.join(reasons)}. "
         "A search filter says who it hides; --no-profile shows everyone:")  # fmt: skip
    _run(home, "search", "--ipt", "described", "--no-profile", "--why")
    names = " and ".join(row["name"] for row in left)
    _say(f"The demo shortlists {names} too, to see in the comparison what the profile "
         "would give up and what it would cost.")  # fmt: skip


def main() -> int:
    if not SAMPLES.is_dir():
        print(f"demo samples not found in {SAMPLES}", file=sys.stderr)
        return 1
    home = Path(tempfile.mkdtemp(prefix="finder-demo-"))
    report = Path.cwd() / "demo-report.html"
    try:
        print(f"finder demo: a throwaway data folder at {home} (your own data is untouched)")
        _run(home, "import", str(SAMPLES / "therapists.csv"), str(SAMPLES / "saved_profile.html"),
             str(SAMPLES / "referral.vcf"))  # fmt: skip
        _run(home, "list")
        _explain_merges(home)
        _run(home, "profile", "set", "--zip", "02139", "--radius", "15", "--telehealth", "ok",
             "--insurance", "Blue Cross Blue Shield", "--budget", str(BUDGET), "--issue", "depression")  # fmt: skip
        _run(home, "search", "--ipt", "described", "--why")
        _explain_exclusions(home)
        ids = _ids_by_name(home)
        chosen = [ids[n] for n in ("Maya Okonkwo", "Daniel Reyes", "Eva Lindqvist") if n in ids]
        _run(home, "shortlist", "add", *map(str, chosen))
        maya, daniel = ids["Maya Okonkwo"], ids["Daniel Reyes"]
        _run(home, "contact", str(maya), "--via", "phone", "--outcome", "booked")
        _run(home, "contact", str(daniel), "--via", "email", "--outcome", "booked")
        _run(
            home, "consult", str(maya), "--answers", str(SAMPLES / "answers" / "maya-okonkwo.toml")
        )
        _run(home, "consult", str(daniel), "--answers",
             str(SAMPLES / "answers" / "daniel-reyes.toml"))  # fmt: skip
        _run(home, "note", str(maya), "--pro", "Explained the four IPT problem areas clearly")
        _run(home, "compare")
        _run(home, "compare", "--format", "html", "-o", str(report))
        print(f"\nThe printable report is at {report} (open it in a browser and print).")
        print("To run finder yourself: .venv/bin/finder (your data goes to `finder path`).")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
