"""The shipped curriculum's files: reading them, and the rules each row must keep
(career stages, where a module is taken, what a listing is, what a degree leads to)."""

import datetime
import tomllib
from pathlib import Path

from pathways.models.curriculum import STAGE_ORDER, Credential
from pathways.models.opportunities import Delivery, Listing, ModuleKind

CURRICULUM_DIR = Path(__file__).resolve().parent.parent / "curriculum"


class CurriculumError(ValueError):
    """The shipped files contradict themselves (a slug that names nothing, say)."""


def curriculum_read(folder: Path = CURRICULUM_DIR) -> dict[str, list]:
    """Every [[table]] of every .toml file in `folder` and its `lessons/` folder, merged
    by table name."""
    data: dict[str, list] = {}
    for path in sorted(folder.glob("*.toml")) + sorted(folder.glob("lessons/*.toml")):
        with path.open("rb") as handle:
            for key, rows in tomllib.load(handle).items():
                data.setdefault(key, []).extend(rows)
    return data


def deadline_date(deadline: object, today: datetime.date, where: str) -> datetime.date:
    """A deadline as the files write it: a full TOML date (as an export writes it), or
    "MM-DD" for its next occurrence (as the shipped files write it)."""
    if isinstance(deadline, datetime.date) and not isinstance(deadline, datetime.datetime):
        return deadline
    if isinstance(deadline, str) and len(deadline) == 5 and deadline[2] == "-":
        try:
            return next_occurrence(deadline, today)
        except ValueError:
            pass
    raise CurriculumError(f'{where} has deadline {deadline!r}: write a date or "MM-DD"')


def next_occurrence(month_day: str, today: datetime.date) -> datetime.date:
    """The next date (today included) falling on "MM-DD"; 29 February becomes the
    28th in years without it."""
    month, day = (int(part) for part in month_day.split("-"))
    for year in (today.year, today.year + 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            candidate = datetime.date(year, month, day - 1)
        if candidate >= today:
            return candidate
    raise CurriculumError(f"cannot place deadline {month_day!r}")


def stage_range(row: dict, where: str, *, earliest: str = STAGE_ORDER[0]) -> dict[str, str]:
    """The row's `earliest_stage` and `latest_stage` (by default the whole career, from
    `earliest` to the last stage), checked against the career stages and each other."""
    stages = {
        "earliest_stage": row.get("earliest_stage", earliest),
        "latest_stage": row.get("latest_stage", STAGE_ORDER[-1]),
    }
    for name, stage in stages.items():
        if stage not in STAGE_ORDER:
            raise CurriculumError(
                f"{where} has {name} {stage!r}, which is not a career stage: "
                f"use one of {', '.join(STAGE_ORDER)}"
            )
    if STAGE_ORDER.index(stages["earliest_stage"]) > STAGE_ORDER.index(stages["latest_stage"]):
        raise CurriculumError(
            f"{where} has latest_stage {stages['latest_stage']!r} before its earliest_stage "
            f"{stages['earliest_stage']!r}"
        )
    return stages


def module_delivery(row: dict, where: str) -> str:
    delivery = row.get("delivery", "")
    if delivery not in Delivery.values:
        raise CurriculumError(
            f"{where} has delivery {delivery!r}: use one of {', '.join(Delivery.values)}"
        )
    if delivery != Delivery.SITE and not (row.get("provider") or row.get("how_to_find")):
        raise CurriculumError(f"{where} is taken elsewhere but names no provider or how_to_find")
    return delivery


def opportunity_listing(row: dict, where: str) -> str:
    listing = row.get("listing", "")
    if listing not in Listing.values:
        raise CurriculumError(
            f"{where} has listing {listing!r}: use one of {', '.join(Listing.values)}"
        )
    if listing == Listing.REAL and not (row.get("url") or row.get("contact")):
        raise CurriculumError(f"{where} is a real listing with neither a url nor a contact")
    if listing == Listing.EXAMPLE and not row.get("how_to_find"):
        raise CurriculumError(f"{where} is an example that says nothing of how_to_find real ones")
    return listing


def module_credential(row: dict, where: str) -> str:
    """What an education module leads to: a Credential value, or "" for none. Only a
    degree-or-certification module ("education") leads to one, and every one does."""
    leads_to = row.get("leads_to", "")
    if leads_to and leads_to not in Credential.values:
        raise CurriculumError(
            f"{where} leads to {leads_to!r}, which is not a credential: use one of "
            f"{', '.join(Credential.values)}"
        )
    if leads_to and row.get("kind") != ModuleKind.EDUCATION:
        raise CurriculumError(f'{where} leads to {leads_to!r} but is not of kind "education"')
    if not leads_to and row.get("kind") == ModuleKind.EDUCATION:
        raise CurriculumError(f'{where} is of kind "education" but names no leads_to')
    return leads_to
