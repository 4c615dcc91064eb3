"""Writing one curriculum row by its natural key (a slug, or a parent and a place): create
it, update it, leave it as it is, or keep an editor's version; and the count of each."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
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
    `overwrite_edited`: an editor's own import is their decision. Such an import marks
    what it changes as edited (a row, or the row whose parts it changed: parts_of), so
    the shipped curriculum does not undo it at the next deploy; a row already marked
    stays marked. A row whose values are already those given is not saved again, so its
    history (simple-history) records only real changes."""

    def __init__(self, *, overwrite_edited: bool = False) -> None:
        self.overwrite_edited = overwrite_edited
        self.report = LoadReport()
        self._created: set[tuple[type[models.Model], object]] = set()
        # Rows read ahead (preload), by model: the key fields and the rows by key.
        self._known: dict[
            type[models.Model], tuple[tuple[str, ...], dict[tuple, models.Model]]
        ] = {}

    def preload(self, model: type[models.Model], *key_fields: str) -> None:
        """Read every row of `model` once, by `key_fields`, so that writing them finds
        each without a query of its own."""
        rows = {_key_of(row, key_fields): row for row in model._default_manager.all()}
        self._known[model] = (key_fields, rows)

    def _find(self, model: type[models.Model], key: dict) -> models.Model | None:
        fields, rows = self._known.get(model, ((), {}))
        if fields and tuple(key) == fields:
            return rows.get(tuple(_plain(key[name]) for name in fields))
        return model._default_manager.filter(**key).first()

    def _remember(self, model: type[models.Model], row: models.Model) -> None:
        fields, rows = self._known.get(model, ((), {}))
        if fields:
            rows[_key_of(row, fields)] = row

    def write(
        self,
        model: type[models.Model],
        key: dict,
        values: dict,
        *,
        where: str,
        many: dict[str, list] | None = None,
        edited: bool = False,
    ):
        """Create or update the row of `model` found by `key`, with `values` and its
        many-to-many fields `many`; `edited` is the file's own mark of a row edited in
        admin, read only by an import. Returns (row, writable): writable is False for a
        row kept as the editor left it."""
        kind = str(model._meta.verbose_name_plural)
        many = many or {}
        marks = self.overwrite_edited and hasattr(model, "edited_locally")
        row = self._find(model, key)
        if row is None:
            row = model(**key, **values)
            if marks and edited:
                row.edited_locally = True  # type: ignore[attr-defined]  # hasattr above
            self._save(row, where, many)
            self._remember(model, row)
            self.report.created[kind] += 1
            self._created.add((model, row.pk))
            return row, True
        was_edited = getattr(row, "edited_locally", False)
        if was_edited and not self.overwrite_edited:
            self.report.kept[kind] += 1
            return row, False
        differs = _differs(row, values, many)
        if differs or (marks and edited and not was_edited):
            for name, value in values.items():
                setattr(row, name, value)
            if marks:
                row.edited_locally = True  # type: ignore[attr-defined]  # hasattr above
            self._save(row, where, many)
            self.report.updated[kind] += 1
            self.report.overwritten[kind] += was_edited and differs
        else:
            self.report.unchanged[kind] += 1
        return row, True

    @contextmanager
    def parts_of(self, row: models.Model) -> Iterator[None]:
        """Write `row`'s parts (rubric levels, steps, sections ...) inside this block: if
        an import changes any of them, `row` is marked as edited too (unless the import
        created it: its parts are then new, not changed)."""
        before = self._changes()
        yield
        new = (type(row), row.pk) in self._created
        changed = self.overwrite_edited and not new and self._changes() != before
        if changed and not getattr(row, "edited_locally", True):
            row.edited_locally = True  # type: ignore[attr-defined]  # getattr above
            row.save(update_fields=["edited_locally"])

    def _changes(self) -> int:
        report = self.report
        return sum((report.created + report.updated + report.removed).values())

    def remove(self, queryset: models.QuerySet) -> None:
        """Delete the rows the file no longer has (a lesson's surplus parts)."""
        kind = str(queryset.model._meta.verbose_name_plural)
        fields, known = self._known.get(queryset.model, ((), {}))
        for row in queryset:
            if fields:
                known.pop(_key_of(row, fields), None)
            row.delete()  # one by one, so the history records each
            self.report.removed[kind] += 1

    @staticmethod
    def _save(row: models.Model, where: str, many: dict[str, list]) -> None:
        # Its relations are rows the loader holds (found by slug or made just before):
        # asking the database whether each exists again would be a query per relation.
        relations = [f.name for f in row._meta.concrete_fields if f.is_relation]
        try:
            row.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise CurriculumError(f"{where}: {_messages(error)}") from error
        row.save()
        for name, related in many.items():
            getattr(row, name).set(related)


def _plain(value: object) -> object:
    """A key's value as stored: a row stands for its primary key."""
    return value.pk if isinstance(value, models.Model) else value


def _key_of(row: models.Model, fields: tuple[str, ...]) -> tuple:
    return tuple(
        getattr(row, f"{name}_id") if row._meta.get_field(name).is_relation else getattr(row, name)
        for name in fields
    )


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
