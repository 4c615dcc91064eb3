"""Writing one curriculum row by its natural key (a slug, or a parent and a place): create
it, update it, leave it as it is, or keep an editor's version; and the count of each."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models

from .curriculum_files import CurriculumError


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)  # edited in admin, left alone
    overwritten: Counter = field(default_factory=Counter)  # edited in admin, updated

    def kinds(self) -> list[str]:
        counters = (self.created, self.updated, self.unchanged, self.removed, self.kept)
        return sorted(set().union(*counters))

    def lines(self) -> list[str]:
        return [
            f"{kind:<22} {self.created[kind]:>4} created {self.updated[kind]:>4} updated "
            f"{self.removed[kind]:>4} removed {self.unchanged[kind]:>4} unchanged "
            f"{self.kept[kind]:>4} kept as edited in admin"
            for kind in self.kinds()
        ]

    @property
    def changes_anything(self) -> bool:
        return any((self.created + self.updated + self.removed).values())


class RowWriter:
    """Writes rows and counts, per kind (the model's plural name), what it did.

    A row an editor changed in admin (`edited_locally`) is kept as it is, unless
    `overwrite_edited`: an editor's own import is their decision. Either way the row stays
    marked as edited. A row whose values are already those given is not saved again, so
    its history (simple-history) records only real changes."""

    def __init__(self, *, overwrite_edited: bool = False) -> None:
        self.overwrite_edited = overwrite_edited
        self.report = LoadReport()

    def write(
        self,
        model: type[models.Model],
        key: dict,
        values: dict,
        *,
        where: str,
        many: dict[str, list] | None = None,
    ):
        """Create or update the row of `model` found by `key`, with `values` and its
        many-to-many fields `many`. Returns (row, writable): writable is False for a row
        kept as the editor left it."""
        kind = str(model._meta.verbose_name_plural)
        many = many or {}
        row = model._default_manager.filter(**key).first()
        if row is None:
            row = model(**key, **values)
            self._save(row, where, many)
            self.report.created[kind] += 1
            return row, True
        if getattr(row, "edited_locally", False) and not self.overwrite_edited:
            self.report.kept[kind] += 1
            return row, False
        if _differs(row, values, many):
            for name, value in values.items():
                setattr(row, name, value)
            self._save(row, where, many)
            self.report.updated[kind] += 1
            self.report.overwritten[kind] += getattr(row, "edited_locally", False)
        else:
            self.report.unchanged[kind] += 1
        return row, True

    def remove(self, queryset: models.QuerySet) -> None:
        """Delete the rows the file no longer has (a lesson's surplus parts)."""
        kind = str(queryset.model._meta.verbose_name_plural)
        for row in queryset:
            row.delete()  # one by one, so the history records each
            self.report.removed[kind] += 1

    @staticmethod
    def _save(row: models.Model, where: str, many: dict[str, list]) -> None:
        try:
            row.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise CurriculumError(f"{where}: {_messages(error)}") from error
        row.save()
        for name, related in many.items():
            getattr(row, name).set(related)


def _differs(row: models.Model, values: dict, many: dict[str, list]) -> bool:
    if any(getattr(row, name) != value for name, value in values.items()):
        return True
    return any(
        set(getattr(row, name).values_list("pk", flat=True)) != {item.pk for item in related}
        for name, related in many.items()
    )


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
