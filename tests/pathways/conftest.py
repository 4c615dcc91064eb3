import pytest

from tests.assessments.conftest import curriculum  # noqa: F401 - shared fixture
from tests.conftest import needs_service


@pytest.fixture
def weasyprint():
    """WeasyPrint, for the PDF tests; it needs Pango from the system."""
    try:
        import weasyprint
    except OSError as error:  # Pango missing: `make test` installs it
        needs_service(f"WeasyPrint cannot load Pango ({error})")
    return weasyprint
