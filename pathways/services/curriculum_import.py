"""An editor's curriculum file, uploaded in admin: read and checked, tried in a
transaction that is rolled back (the preview), then loaded for good."""

import tomllib

from django.core.exceptions import ValidationError
from django.db import transaction

from .curriculum import curriculum_load
from .curriculum_files import CurriculumError
from .curriculum_rows import LoadReport

# The shipped curriculum with every lesson is well under a megabyte.
CURRICULUM_FILE_MAX_BYTES = 4 * 1024 * 1024

# The tables the loader reads: a file with any other holds a mistake (a misspelt name).
TABLES = ("level", "setting", "role_kind", "domain", "pathway", "module", "opportunity", "lesson")


def curriculum_file_read(content: bytes) -> dict[str, list]:
    """The tables of an uploaded file, or CurriculumError saying plainly what is wrong
    with it: too big, not UTF-8 text, not TOML, or tables the loader does not read."""
    if len(content) > CURRICULUM_FILE_MAX_BYTES:
        raise CurriculumError(
            f"The file is {len(content) // 1024} KB; a curriculum file may be at most "
            f"{CURRICULUM_FILE_MAX_BYTES // (1024 * 1024)} MB."
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CurriculumError("The file is not UTF-8 text: export it again from admin.") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CurriculumError(f"The file is not valid TOML: {error}.") from error
    except RecursionError as error:  # tomllib reads nested arrays by recursion
        raise CurriculumError("The file nests lists too deeply to be a curriculum.") from error
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise CurriculumError(
            f"The file has tables the curriculum does not use: {', '.join(unknown)}. "
            f"It may have: {', '.join(TABLES)}."
        )
    for name, rows in data.items():
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise CurriculumError(f"“{name}” must be a list of [[{name}]] tables.")
    if not any(data.values()):
        raise CurriculumError("The file holds no curriculum.")
    return data


def curriculum_import(*, data: dict[str, list], dry_run: bool = False) -> LoadReport:
    """Load an editor's file over the curriculum (curriculum_load). Their import is their
    decision, so it overwrites rows edited in admin too, which stay marked as edited.
    With `dry_run`, everything is written and then rolled back: the report says what
    the import would change, and nothing changes. A file that does not fit raises
    CurriculumError and changes nothing."""
    try:
        with transaction.atomic():
            report = curriculum_load(data=data, overwrite_edited=True)
            if dry_run:
                transaction.set_rollback(True)
    except CurriculumError:
        raise
    except KeyError as error:
        raise CurriculumError(f"A row lacks its {error.args[0]!r}.") from error
    except (TypeError, ValueError, AttributeError, ValidationError) as error:
        # A value of the wrong kind, such as text where the loader expects a list.
        raise CurriculumError(f"A value has the wrong form ({error}).") from error
    return report
