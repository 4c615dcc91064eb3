"""Everything the site holds about one person, found by walking the app registry the way
Django's deletion does, so a model added later that refers to a user is covered without
a change here.

- **Own records**: the rows Django's deletion Collector deletes with the user: their
  account, profile, assessments, rating sets about them with their ratings, plans with
  goals, actions, history, comments and reviews on them, mentorships as mentee, email
  log, and whatever else cascades from the user.
- **Records kept, anonymised**: the rows that refer to the user, or to one of their own
  records, through a SET_NULL relation (comments they wrote on another person's plan,
  ratings they gave as a mentor, mentorships as mentor, plan history lines): deleting
  the account keeps them with that reference set to null ("a former member"). Rows the
  person *has* (a relation with a reverse name, such as `ratings_given` or a mentor's
  `mentorships`) bring their own dependent rows along (the ratings of a rating set, the
  reviews of a mentorship); bare references (`related_name="+"`, such as `reviewed_by`)
  do not, so a staff reviewer's download does not hold the profiles they reviewed.

The download, the deletion page and the deletion itself read the same walk. Reads run a
number of queries proportional to the number of models, not of rows."""

import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router
from django.db.models import ForeignObjectRel
from django.db.models.deletion import Collector, get_candidate_relations_to_delete

from cmo_portal import clock

from .models import User

# Never exported: credentials, secrets and message bodies. Named fields, plus any field
# whose name says it is a secret (password, secret, token, key: a calendar link's token,
# an unsubscribe key, an email confirmation key).
EXCLUDED_FIELDS = frozenset(
    {
        "accounts.User.password",
        "mfa.Authenticator.data",  # the TOTP secret and the recovery codes
        "notifications.EmailLog.payload",  # the body of the email; the log keeps metadata
        "sessions.Session.session_data",
    }
)
SECRET_NAME = re.compile(r"password|secret|token|(^|_)key$")

EXPORT_FORMAT = "cmo-pathways-personal-data/1"


@dataclass
class PersonalData:
    """Querysets per model: `own` is deleted with the account, `kept` stays with the
    reference to the person set to null."""

    user: User
    own: dict[type[models.Model], models.QuerySet]
    kept: dict[type[models.Model], models.QuerySet]


@dataclass(frozen=True)
class SummaryLine:
    label: str
    count: int
    words: str  # "3 rating sets"


def _pk_filter(rows) -> models.Q:
    """A filter for rows the Collector holds: a queryset (kept lazy) or instances."""
    if isinstance(rows, models.QuerySet):
        return models.Q(pk__in=rows.values("pk"))
    return models.Q(pk__in=[row.pk for row in rows])


def _refers_to_a_user(model: type[models.Model]) -> bool:
    user_model = get_user_model()
    return any(
        field.is_relation and field.concrete and field.related_model is user_model
        for field in model._meta.get_fields()
    )


def personal_data_of(user: User) -> PersonalData:
    """Walk what deleting `user` would delete and what it would keep (nothing changes)."""
    collector = Collector(using=router.db_for_write(type(user), instance=user), origin=user)
    collector.collect([user])

    own_filters: dict[type[models.Model], models.Q] = defaultdict(models.Q)
    for model, instances in collector.data.items():
        own_filters[model] |= _pk_filter(instances)
    for queryset in collector.fast_deletes:
        own_filters[queryset.model] |= _pk_filter(queryset)
    own = {model: model._base_manager.filter(q) for model, q in own_filters.items()}

    kept_filters: dict[type[models.Model], models.Q] = defaultdict(models.Q)
    kept_with_children: set[type[models.Model]] = set()
    for (field, _value), batches in collector.field_updates.items():
        if not field.is_relation:  # the closing of a record kept (a mentorship's status)
            continue
        for batch in batches:
            kept_filters[field.model] |= _pk_filter(batch)
        if field.remote_field is not None and not field.remote_field.hidden:
            kept_with_children.add(field.model)
    kept: dict[type[models.Model], models.QuerySet] = {}
    for model, q in kept_filters.items():
        rows = model._base_manager.filter(q)
        if model in own:
            rows = rows.exclude(pk__in=own[model].values("pk"))
        kept[model] = rows

    # One level of dependent rows for the records the person has: the ratings of the
    # rating sets they gave, the reviews of the mentorships they held as mentor.
    for model in kept_with_children:
        relations = cast("list[ForeignObjectRel]", get_candidate_relations_to_delete(model._meta))
        for relation in relations:
            child = relation.related_model
            if child is None or relation.field.remote_field.on_delete is not models.CASCADE:
                continue
            if _refers_to_a_user(child):  # someone's own record, not a part of this one
                continue
            rows = child._base_manager.filter(
                **{f"{relation.field.name}__in": kept[model].values("pk")}
            )
            if child in own:
                rows = rows.exclude(pk__in=own[child].values("pk"))
            kept[child] = kept[child] | rows if child in kept else rows
    return PersonalData(user=user, own=own, kept=kept)


# --- In words: the deletion page -------------------------------------------------------


def _in_words(model: type[models.Model], count: int) -> str:
    meta = model._meta
    return f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"


def _summary(rows: dict[type[models.Model], models.QuerySet]) -> list[SummaryLine]:
    """One line per model with rows, in the registry's order; the hidden tables behind a
    many-to-many field are left out (their rows go with the records they link)."""
    lines = []
    for model, queryset in sorted(rows.items(), key=lambda item: item[0]._meta.label):
        if model._meta.auto_created:
            continue
        count = queryset.count()
        if count:
            lines.append(SummaryLine(model._meta.label, count, _in_words(model, count)))
    return lines


def personal_data_summary(data: PersonalData) -> dict[str, list[SummaryLine]]:
    """What deleting the account deletes and what it keeps, counted per model."""
    return {"deleted": _summary(data.own), "kept": _summary(data.kept)}


# --- The download ----------------------------------------------------------------------


def is_excluded(field: models.Field) -> bool:
    label = f"{field.model._meta.label}.{field.name}"
    return label in EXCLUDED_FIELDS or bool(SECRET_NAME.search(field.name))


def _exported_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not is_excluded(field)]


def _rows(queryset: models.QuerySet) -> list[dict[str, Any]]:
    names = [field.attname for field in _exported_fields(queryset.model)]
    return list(queryset.order_by("pk").values(*names))


def personal_data_export(data: PersonalData) -> dict[str, Any]:
    """The person's data as one JSON-ready dict: each model's rows as field dicts under
    its label ("assessments.RatingSet"), secrets and email bodies left out."""
    user = data.user
    excluded = sorted(
        f"{model._meta.label}.{field.name}"
        for model in {*data.own, *data.kept}
        for field in model._meta.concrete_fields
        if is_excluded(field)
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": clock.now(),
        "account": {"id": user.pk, "email": user.email, "name": user.get_full_name()},
        "own_records": {
            model._meta.label: _rows(rows)
            for model, rows in sorted(data.own.items(), key=lambda item: item[0]._meta.label)
        },
        "records_referring_to_you": {
            model._meta.label: _rows(rows)
            for model, rows in sorted(data.kept.items(), key=lambda item: item[0]._meta.label)
        },
        "excluded_fields": excluded,
        "about": (
            "own_records are deleted with your account. records_referring_to_you are "
            "what you left on other people's records (comments, ratings, reviews, "
            "mentorships as a mentor, plan history); they are kept if you delete your "
            "account, shown as by a former member. Passwords, two-factor secrets, "
            "private links and the bodies of emails are never exported."
        ),
    }


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)  # a country, a lazy string


def personal_data_json(data: PersonalData) -> str:
    return json.dumps(personal_data_export(data), cls=_Encoder, indent=2, ensure_ascii=False)


def export_filename(today: datetime.date) -> str:
    return f"cmo-pathways-data-{today.isoformat()}.json"
