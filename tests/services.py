"""The services outside the code that some tests need (Redis, Pango, Chromium, a second
database connection): what a test does when one is missing."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def needs_service(reason: str) -> None:
    """A missing service fails the run in CI and skips the test elsewhere, saying why."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)
