from tests.assessments.conftest import curriculum  # noqa: F401 - shared fixture
