"""Fixtures shared by the accounts' tests."""

import pytest

from tests.accounts.walk import ROWS, World, relations_to_users
from tests.factories import LogEntryFactory


@pytest.fixture
def world(curriculum) -> World:
    missing = sorted(set(relations_to_users()) - set(ROWS))
    if missing:
        pytest.fail(
            "A model refers to a user with no row for it in this walk: "
            f"{', '.join(missing)}. Add a builder to ROWS in "
            "tests/accounts/walk.py (and a factory to tests/factories.py), "
            "so the download and the deletion are shown to cover it."
        )
    w = World(curriculum)
    for build in ROWS.values():
        build(w)
    # Text the site wrote about the person, elsewhere: admin history by staff.
    LogEntryFactory(user=w.staff, obj=w.person)
    LogEntryFactory(user=w.staff, obj=w.person.profile)
    LogEntryFactory(user=w.staff, obj=w.mentorship)
    return w
