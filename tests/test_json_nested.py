"""JSON lists as directory APIs write them: offices and plans as lists of objects, a fee as
an object. What a user sees is the values, never a Python dict printed as a value."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from finder.cli import cli

PROVIDERS = {
    "meta": {"total": 2},
    "data": {
        "providers": [
            {
                "displayName": "Dana Reyes",
                "credentials": ["LCSW", "PhD"],
                "contact": {"phone": "617-555-0100"},
                "locations": [
                    {"name": "Back Bay office", "address1": "1 Main St", "city": "Boston",
                     "state": "MA", "postalCode": "02115"},
                    {"name": "Newton office", "city": "Newton", "state": "MA"},
                ],
                "modalities": ["Interpersonal Psychotherapy (IPT)", "CBT"],
                "fee": {"min": 120, "max": 160},
            },
            {
                "displayName": "Lee Park, LMFT",
                "insurance": [{"id": 7, "name": "Aetna"}, {"id": 9, "name": "BCBS PPO"}],
                "languages": [{"code": "es", "label": "Spanish"}],
                "specialties": [{"id": 3}, {"id": 4}],
            },
        ]
    },
}  # fmt: skip


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_lists_of_objects_are_read_as_their_values(tmp_path: Path) -> None:
    path = tmp_path / "providers.json"
    path.write_bytes(orjson.dumps(PROVIDERS))
    assert run("import", str(path))[0] == 0

    code, out, _ = run("show", "1")
    assert code == 0
    # The first office is the address; the office's own name is not the therapist's.
    assert "Dana Reyes  (id 1)" in out
    assert "  address       1 Main St\n  city          Boston\n  state         MA\n" in out
    assert "  fee           $120-$160\n" in out
    assert "Back Bay office" not in out

    code, out, _ = run("show", "2")
    assert "  insurance     Aetna, BCBS PPO\n" in out
    assert "  languages     Spanish\n" in out
    assert "{" not in out and "specialties" not in out
