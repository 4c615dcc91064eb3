"""The layout holds: no module of the site grows past 400 lines (a module that would
becomes a package split by topic). Imports that follow the flow of data and types are
checked by `make check` (lint-imports, mypy)."""

from pathlib import Path

import pytest

from tests.repository import ROOT

PACKAGES = ("cmo_portal", "pathways", "assessments", "mentors")
LIMIT = 400


def _modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_the_site_has_modules_to_measure():
    assert len(_modules()) > 50


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_is_longer_than_the_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{path.relative_to(ROOT)} has {lines} lines: split it by topic"
