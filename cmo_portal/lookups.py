"""Database lookups the whole site relies on.

An id no integer column can hold (a 30-digit number typed into a multiple-choice field,
or into an address such as /people/<id>/) matches no row, on every database. Django
already does so for `id=`; without these, `id__in=[...]` and lookups through a foreign
key (`user_id=`) raise SQLite's OverflowError, a 500 on the embedded default."""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _range(field, connection) -> tuple[int | None, int | None]:
    """The values the column behind `field` can hold (a foreign key's: its target's)."""
    target = getattr(field, "target_field", field)
    ranges = connection.ops.integer_field_ranges
    return ranges.get(target.get_internal_type(), (None, None))


def _fits(value: object, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return True
    return (low is None or value >= low) and (high is None or value <= high)


class _InRangeIn:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = _range(self.lhs.output_field, connection)
            self.rhs = [value for value in self.rhs if _fits(value, low, high)]
        return super().process_rhs(compiler, connection)


class IntegerFieldIn(_InRangeIn, In):
    pass


class RelatedInInRange(_InRangeIn, RelatedIn):
    pass


class RelatedExactInRange(RelatedExact):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and not _fits(
            self.rhs, *_range(self.lhs.output_field, connection)
        ):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
    ForeignObject.register_lookup(RelatedInInRange)
    ForeignObject.register_lookup(RelatedExactInRange)
