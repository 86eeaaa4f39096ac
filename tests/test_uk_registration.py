"""A UK registration ("BACP 123456", "UKCP 12345", "HCPC PYL12345") is the licence shown,
with its body named, in whichever column a list gives it; never a US licence type, never
"not stated"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.records import normalize
from finder.records.normalize.licences import licence_family


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("column", ["registration", "licence", "license number", "credentials"])
@pytest.mark.parametrize(
    ("stated", "kind", "number"),
    [("BACP 123456", "BACP registration", "123456"),
     ("UKCP 12345", "UKCP registration", "12345"),
     ("HCPC PYL12345", "HCPC registration", "PYL12345"),
     ("MBACP (Accred) 654321", "BACP registration (accredited)", "654321")],
)  # fmt: skip
def test_a_registration_is_the_licence_shown(
    column: str, stated: str, kind: str, number: str, tmp_path: Path
) -> None:
    listed = tmp_path / "uk.csv"
    listed.write_text(f'name,{column},city\nJane Smith,"{stated}",London\n')
    assert run("import", str(listed))[0] == 0
    code, out, _ = run("list")
    assert code == 0
    assert f"Jane Smith  {kind}  London" in out, out
    assert "not stated" not in out
    assert run("shortlist", "add", "1")[0] == 0
    code, out, _ = run("compare", "--format", "md")
    assert code == 0 and f"| **License** | {kind} no. {number}, as listed" in out


def test_the_body_is_never_a_us_licence_type() -> None:
    for stated in ("BACP 123456", "UKCP 12345", "HCPC PYL12345"):
        parts = normalize.license_parts(stated)
        assert licence_family(parts["license_type"]) is None
        assert "license_state" not in parts
    assert normalize.license_parts("LCSW 12345") == {
        "license_number": "12345",
        "license_type": "LCSW",
    }
