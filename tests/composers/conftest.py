"""The digest and reminder tests' clock: forty days before their Monday morning
(tests.composers.physicians.NOW), for the tests to move on from."""

import datetime

import pytest
import time_machine

from tests.composers.physicians import NOW


@pytest.fixture
def clock():
    with time_machine.travel(NOW - datetime.timedelta(days=40), tick=False) as traveller:
        yield traveller
