"""Peak memory of the NPPES bulk CSV importer must not grow with the file.

Generates NPPES-layout files of 50,000 and 500,000 rows in a temporary folder
(mostly non-behavioural providers, about 3% therapists, some deactivated NPIs),
imports each in a fresh subprocess and compares the peak resident memory
(``resource.getrusage`` max RSS). The importer streams, so the 10x larger file
must stay within 1.5x of the smaller one's peak. Prints the figures; exits 1 on
a miss.

    .venv/bin/python benchmarks/bench_nppes_memory.py [--small 50000] [--large 500000]
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT = 1.5

NON_BEHAVIORAL = [
    "207Q00000X",
    "163W00000X",
    "225100000X",
    "183500000X",
    "207R00000X",
    "363LF0000X",
    "122300000X",
    "208000000X",
    "225X00000X",
    "152W00000X",
]
BEHAVIORAL = [
    "1041C0700X",
    "106H00000X",
    "101YP2500X",
    "103T00000X",
    "2084P0800X",
    "363LP0808X",
    "101YM0800X",
]
CITIES = [
    ("BOSTON", "MA", "021154001"),
    ("CHICAGO", "IL", "60614"),
    ("DENVER", "CO", "802031234"),
    ("AUSTIN", "TX", "78701"),
    ("SEATTLE", "WA", "981011111"),
]
FIRST = ["JANE", "JOHN", "MARIA", "DAVID", "AISHA", "WEI", "SARAH", "CARLOS"]
LAST = ["SMITH", "GARCIA", "NGUYEN", "O'BRIEN", "JOHNSON", "PATEL", "KOWALSKI", "LEE"]


def header() -> list[str]:
    """The 329 columns of the NPPES data dissemination file, in order."""
    cols = [
        "NPI",
        "Entity Type Code",
        "Replacement NPI",
        "Employer Identification Number (EIN)",
        "Provider Organization Name (Legal Business Name)",
        "Provider Last Name (Legal Name)",
        "Provider First Name",
        "Provider Middle Name",
        "Provider Name Prefix Text",
        "Provider Name Suffix Text",
        "Provider Credential Text",
        "Provider Other Organization Name",
        "Provider Other Organization Name Type Code",
        "Provider Other Last Name",
        "Provider Other First Name",
        "Provider Other Middle Name",
        "Provider Other Name Prefix Text",
        "Provider Other Name Suffix Text",
        "Provider Other Credential Text",
        "Provider Other Last Name Type Code",
        "Provider First Line Business Mailing Address",
        "Provider Second Line Business Mailing Address",
        "Provider Business Mailing Address City Name",
        "Provider Business Mailing Address State Name",
        "Provider Business Mailing Address Postal Code",
        "Provider Business Mailing Address Country Code (If outside U.S.)",
        "Provider Business Mailing Address Telephone Number",
        "Provider Business Mailing Address Fax Number",
        "Provider First Line Business Practice Location Address",
        "Provider Second Line Business Practice Location Address",
        "Provider Business Practice Location Address City Name",
        "Provider Business Practice Location Address State Name",
        "Provider Business Practice Location Address Postal Code",
        "Provider Business Practice Location Address Country Code (If outside U.S.)",
        "Provider Business Practice Location Address Telephone Number",
        "Provider Business Practice Location Address Fax Number",
        "Provider Enumeration Date",
        "Last Update Date",
        "NPI Deactivation Reason Code",
        "NPI Deactivation Date",
        "NPI Reactivation Date",
        "Provider Gender Code",
        "Authorized Official Last Name",
        "Authorized Official First Name",
        "Authorized Official Middle Name",
        "Authorized Official Title or Position",
        "Authorized Official Telephone Number",
    ]
    for n in range(1, 16):
        cols += [
            f"Healthcare Provider Taxonomy Code_{n}",
            f"Provider License Number_{n}",
            f"Provider License Number State Code_{n}",
            f"Healthcare Provider Primary Taxonomy Switch_{n}",
        ]
    for n in range(1, 51):
        cols += [
            f"Other Provider Identifier_{n}",
            f"Other Provider Identifier Type Code_{n}",
            f"Other Provider Identifier State_{n}",
            f"Other Provider Identifier Issuer_{n}",
        ]
    cols += [
        "Is Sole Proprietor",
        "Is Organization Subpart",
        "Parent Organization LBN",
        "Parent Organization TIN",
        "Authorized Official Name Prefix Text",
        "Authorized Official Name Suffix Text",
        "Authorized Official Credential Text",
    ]
    cols += [f"Healthcare Provider Taxonomy Group_{n}" for n in range(1, 16)]
    return cols


def npi_with_check(base9: str) -> str:
    total = 24
    for i, ch in enumerate(reversed(base9)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return base9 + str((10 - total % 10) % 10)


def row(cols: list[str], n: int, rng: random.Random, behavioural_share: float = 0.03) -> list[str]:
    values = dict.fromkeys(cols, "")
    values["NPI"] = npi_with_check(str(100000000 + n))
    if rng.random() < 0.02:  # deactivated: only the number and the date
        values["NPI Deactivation Date"] = "05/01/2019"
        return [values[c] for c in cols]
    city, state, postal = rng.choice(CITIES)
    behavioural = rng.random() < behavioural_share
    values.update(
        {
            "Entity Type Code": "1",
            "Provider Last Name (Legal Name)": rng.choice(LAST),
            "Provider First Name": rng.choice(FIRST),
            "Provider Credential Text": "LCSW" if behavioural else "MD",
            "Provider First Line Business Mailing Address": f"{n % 900 + 1} MAIN ST",
            "Provider Business Mailing Address City Name": city,
            "Provider Business Mailing Address State Name": state,
            "Provider Business Mailing Address Postal Code": postal,
            "Provider Business Mailing Address Country Code (If outside U.S.)": "US",
            "Provider Business Mailing Address Telephone Number": "6175550100",
            "Provider First Line Business Practice Location Address": f"{n % 700 + 1} ELM AVE",
            "Provider Second Line Business Practice Location Address": "SUITE 2",
            "Provider Business Practice Location Address City Name": city,
            "Provider Business Practice Location Address State Name": state,
            "Provider Business Practice Location Address Postal Code": postal,
            "Provider Business Practice Location Address Country Code (If outside U.S.)": "US",
            "Provider Business Practice Location Address Telephone Number": "6175550199",
            "Provider Enumeration Date": "07/12/2007",
            "Last Update Date": "03/04/2021",
            "Provider Gender Code": rng.choice("FM"),
            "Is Sole Proprietor": "N",
            "Healthcare Provider Taxonomy Code_1": rng.choice(
                BEHAVIORAL if behavioural else NON_BEHAVIORAL
            ),
            "Provider License Number_1": f"LIC{n}",
            "Provider License Number State Code_1": state,
            "Healthcare Provider Primary Taxonomy Switch_1": "Y",
            "Other Provider Identifier_1": f"{n:08d}",
            "Other Provider Identifier Type Code_1": "05",
            "Other Provider Identifier State_1": state,
        }
    )
    if rng.random() < 0.3:
        values["Healthcare Provider Taxonomy Code_2"] = rng.choice(NON_BEHAVIORAL)
        values["Healthcare Provider Primary Taxonomy Switch_2"] = "N"
    return [values[c] for c in cols]


def generate(path: Path, rows: int, seed: int = 7, behavioural_share: float = 0.03) -> None:
    rng = random.Random(seed)
    cols = header()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow(cols)
        for n in range(rows):
            writer.writerow(row(cols, n, rng, behavioural_share))


_CHILD = """
import resource, sys
from pathlib import Path
from finder.importers import nppes_csv
from finder.importers.base import ParseContext
from finder.records.models import Record
warnings = []
kept = sum(isinstance(r, Record) for r in nppes_csv.parse(Path(sys.argv[1]),
           ParseContext(warn=warnings.append)))
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(path: Path) -> tuple[int, int, float]:
    """(records kept, peak RSS in KB, seconds) of importing ``path`` in a fresh process."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], check=True, capture_output=True, text=True
    ).stdout.split()
    return int(out[0]), int(out[1]), time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--large", type=int, default=500_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="finder-bench-") as tmp:
        figures = []
        for rows in (args.small, args.large):
            path = Path(tmp) / f"npidata_{rows}.csv"
            generate(path, rows)
            size_mb = path.stat().st_size / 1e6
            kept, peak_kb, seconds = measure(path)
            figures.append(peak_kb)
            print(
                f"{rows:>9,} rows ({size_mb:,.0f} MB): kept {kept:,}, "
                f"peak RSS {peak_kb / 1024:.1f} MB, {seconds:.1f} s"
            )
            path.unlink()
    ratio = figures[1] / figures[0]
    verdict = "ok" if ratio <= LIMIT else "MISS"
    print(f"peak memory ratio large/small = {ratio:.2f} (limit {LIMIT}): {verdict}")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
