import pytest

from tests.factories import complete_assessment


@pytest.fixture
def rater(client, physician, curriculum):
    """The physician, signed in, with a finished needs assessment aiming at pharma."""
    complete_assessment(physician, curriculum["pharma"])
    client.force_login(physician)
    return client
