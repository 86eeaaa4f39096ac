"""Shared fixtures: every test runs against its own temporary FINDER_HOME."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def finder_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, private data folder for each test; the real home is never touched."""
    home = tmp_path_factory.mktemp("finder-home")
    monkeypatch.setenv("FINDER_HOME", str(home))
    monkeypatch.delenv("FINDER_NPPES_URL", raising=False)
    monkeypatch.setenv("FINDER_NO_FIRST_RUN", "1")
    monkeypatch.setenv("COLUMNS", "120")
    from finder import paths

    paths.set_home_override(None)
    return home


def realdata_dir() -> Path | None:
    env = os.environ.get("FINDER_REALDATA")
    candidate = Path(env) if env else ROOT.parent / "shared" / "realdata"
    return candidate if candidate.is_dir() else None


@pytest.fixture
def realdata() -> Iterator[Path]:
    """The folder of real files written by others; skips the test when it is absent."""
    folder = realdata_dir()
    if folder is None:
        pytest.skip("real data not found: set FINDER_REALDATA or put shared/realdata beside the project")
    yield folder


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
