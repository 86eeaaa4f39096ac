"""Build finder's table of North American area codes outside the US (data/reference/nanp_areas.csv).

Run from the repository root:

    python scripts/build_nanp_areas.py

Source and licence
------------------
The answers are those of the ``phonenumbers`` package finder already depends on
(https://github.com/daviddrysdale/python-phonenumbers, Apache-2.0), a port of Google's
libphonenumber, whose metadata lists the area codes of every country of the North
American Numbering Plan. For each area code 200-999, finder asks it which country a
number there belongs to (``finder.records.normalize.phones.area_country_by_metadata``)
and keeps the codes whose answer is not "US": Canada and the Caribbean and Pacific
members. A code not in the table is a US one. ``tests/test_normalize.py`` checks that the
table still gives phonenumbers' answer for every code, so a newer phonenumbers that moves
a code fails the tests until the table is built again.
"""

from __future__ import annotations

from pathlib import Path

from finder.records.normalize.phones import area_country_by_metadata

OUT = Path(__file__).resolve().parent.parent / "data" / "reference" / "nanp_areas.csv"


def main() -> None:
    rows = ["area,country"]
    for code in range(200, 1000):
        country = area_country_by_metadata(str(code))
        if country != "US":
            rows.append(f"{code},{country}")
    OUT.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(rows) - 1} area codes outside the US")


if __name__ == "__main__":
    main()
