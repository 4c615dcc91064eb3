"""Reads for suggestions: the physician's needs and the candidate mentors as plain values
for the matching rule (mentors/matching.py), and its ranked, explained result."""

import datetime
import functools
import operator
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    CharField,
    Count,
    Exists,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast

from assessments.selectors import Results, results_for
from cmo_portal import clock
from cmo_portal.accounts.models import User
from mentors import matching
from mentors.models.mentorships import Mentorship
from mentors.models.profiles import MeetingFormat, MentorProfile
from pathways.models.curriculum import Setting

# What mentors' rows share, as the matching reads it: the levels taught, the settings and
# pathways known, the UTC offset and the formats.
_Shared = tuple[dict[int, int], frozenset[int], frozenset[int], float | None, frozenset[str]]

# How many of the physician's largest gaps the matching looks at.
TOP_GAPS = 5


@lru_cache(maxsize=1024)
def _utc_offset_hours(time_zone: str, hour: datetime.datetime) -> float | None:
    try:
        offset = hour.astimezone(zoneinfo.ZoneInfo(time_zone)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return offset.total_seconds() / 3600 if offset is not None else None


def utc_offset_hours(time_zone: str | None, now: datetime.datetime | None = None) -> float | None:
    if not time_zone:
        return None
    now = (now or clock.now()).replace(minute=0, second=0, microsecond=0)
    return _utc_offset_hours(time_zone, now)


def excluded_mentorships(
    mentee: User, *, now: datetime.datetime | None = None
) -> QuerySet[Mentorship]:
    """The physician's mentorships whose mentor is not offered: asked already (open or
    active), or declined, or let a request expire, within the cool-off."""
    now = now or clock.now()
    mine = Mentorship.objects.filter(mentee=mentee)
    return mine.current() | mine.declined_within_cool_off(now) | mine.expired_within_cool_off(now)


@dataclass(frozen=True)
class MenteeSide:
    """What the suggestions read of the physician beside the results: where they are and
    how many requests they have waiting."""

    time_zone: str | None
    open_requests: int


def mentee_side(mentee: User) -> MenteeSide:
    """The physician's time zone and open requests, in one query."""
    open_requests = (
        Mentorship.objects.filter(mentee=OuterRef("pk"))
        .open()
        .order_by()
        .values("mentee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    time_zone, waiting = (
        User.objects.filter(pk=mentee.pk)
        .values_list("profile__time_zone", Subquery(open_requests))
        .get()
    )
    return MenteeSide(time_zone=time_zone or None, open_requests=waiting or 0)


@dataclass
class Suggestion:
    mentor: MentorProfile
    match: matching.Match
    reasons: list[str]


@dataclass
class Suggestions:
    results: Results
    needs: matching.MenteeNeeds
    items: list[Suggestion] = field(default_factory=list)
    candidates: int = 0
    open_requests: int = 0


def mentee_needs(
    results: Results, *, time_zone: str | None = None, formats: frozenset[str] = frozenset()
) -> matching.MenteeNeeds:
    """What the matching looks for, from the physician's gap analysis and time zone."""
    if not formats and results.assessment is not None:
        formats = frozenset(results.assessment.mentoring_formats)  # from the needs assessment
    return matching.MenteeNeeds(
        gaps=tuple(
            # Top gaps are rated and open, so each has a weighted gap.
            matching.GapNeed(g.competency_id, g.name, g.target, g.weighted_gap or 0)
            for g in results.top_gaps[:TOP_GAPS]
        ),
        setting_ids=frozenset(p.setting_id for p in results.target_pathways),
        pathway_ids=frozenset(p.pk for p in results.target_pathways),
        utc_offset_hours=utc_offset_hours(time_zone),
        formats=formats,
    )


def _ids(joined: str | None) -> frozenset[int]:
    return frozenset(int(i) for i in joined.split(",")) if joined else frozenset()


def candidates(*, needs: matching.MenteeNeeds, mentee: User) -> list[matching.Candidate]:
    """Every approved mentor with room whom the physician may be offered (none of
    `excluded_mentorships`), as plain values for the matching, in
    one grouped query however many there are. Each mentor's row carries only what the
    matching asks about: the level they teach of each top gap they teach up to its
    target (a gap taught below its target scores as one not taught, so its row is not
    read), and the settings and pathways they know among the physician's (joined into a
    string of ids)."""
    gap_ids = [g.competency_id for g in needs.gaps]
    # Only the rows that matter are joined, so each mentor groups a handful.
    joins = {
        "needed_settings": FilteredRelation(
            "settings_known", condition=Q(settings_known__in=needs.setting_ids)
        ),
        "needed_pathways": FilteredRelation(
            "pathways_known", condition=Q(pathways_known__in=needs.pathway_ids)
        ),
    }
    if needs.gaps:
        joins["gap_teaches"] = FilteredRelation(
            "teaches",
            condition=functools.reduce(
                operator.or_,
                (
                    Q(teaches__competency=g.competency_id, teaches__level__gte=g.target)
                    for g in needs.gaps
                ),
            ),
        )
    profiles = (
        MentorProfile.objects.with_room()
        .exclude(user=mentee)
        .exclude(Exists(excluded_mentorships(mentee).filter(mentor=OuterRef("pk"))))
        .annotate(**joins)
    )
    nothing = Value(None, output_field=CharField())
    levels_taught = {
        f"level_{i}": Max("gap_teaches__level", filter=Q(gap_teaches__competency=competency_id))
        for i, competency_id in enumerate(gap_ids)
    }
    rows = (
        profiles.order_by()
        .annotate(
            setting_ids=_joined_ids("needed_settings__id") if needs.setting_ids else nothing,
            pathway_ids=_joined_ids("needed_pathways__id") if needs.pathway_ids else nothing,
            **levels_taught,
        )
        .values_list(
            "pk",
            "active_count",
            "capacity",
            "time_zone",
            "setting_ids",
            "pathway_ids",
            *(f.field_name for f in MeetingFormat),
            *levels_taught,
        )
    )
    now = clock.now()
    flag_count = len(MeetingFormat)

    def shared(
        time_zone: str, settings_known: str | None, pathways_known: str | None, *rest: Any
    ) -> _Shared:
        """What a mentor's row says besides who they are and their load, as the matching
        reads it: what they teach, the settings and pathways, the UTC offset, formats."""
        flags, taught = rest[:flag_count], rest[flag_count:]
        return (
            {c: level for c, level in zip(gap_ids, taught, strict=True) if level is not None},
            _ids(settings_known),
            _ids(pathways_known),
            utc_offset_hours(time_zone, now),
            frozenset(f.value for on, f in zip(flags, MeetingFormat, strict=True) if on),
        )

    # A few dozen time zones, seven mixes of formats and few mixes of levels, settings
    # and pathways serve thousands of mentors: each mix is worked out once, and the
    # mentors who share it share its values.
    mixes: dict[tuple, _Shared] = {}
    pool = []
    # Read as the database returns them, without Django's per-value converters: ids,
    # counts and levels come back as ints, strings as strings, and the format flags are
    # only tested for truth (SQLite's 0 and 1 read the same as booleans).
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    for pk, active, capacity, *rest in fetched:
        mix = tuple(rest)
        values = mixes.get(mix)
        if values is None:
            values = mixes[mix] = shared(*mix)
        teaches, setting_ids, pathway_ids, offset, formats = values
        pool.append(
            matching.Candidate(
                pk, teaches, setting_ids, pathway_ids, offset, formats, active, capacity
            )
        )
    return pool


def _joined_ids(field_name: str) -> StringAgg:
    """The distinct ids of a joined relation, as one string: "3,7"."""
    return StringAgg(Cast(field_name, CharField()), Value(","), distinct=True)


def mentor_suggestions(
    *,
    mentee: User,
    pathway_slug: str | None = None,
    formats: frozenset[str] = frozenset(),
    limit: int = 10,
) -> Suggestions:
    """The approved mentors with room, best first, each with its reasons."""
    # The summary is enough: the page shows the gaps and targets, not the modules,
    # opportunities or changes the results page adds.
    results = results_for(subject=mentee, pathway_slug=pathway_slug, full=False)
    side = mentee_side(mentee)
    needs = mentee_needs(results, time_zone=side.time_zone, formats=formats)
    pool = candidates(needs=needs, mentee=mentee)
    matches = matching.rank(needs, pool, limit=limit)
    # What a suggestion shows of its mentor: name, headline, languages, response time.
    profiles = MentorProfile.objects.select_related("user__profile").in_bulk(
        [m.mentor_id for m in matches]
    )
    pathway_names = {p.pk: p.title for p in results.target_pathways}
    setting_names = dict(
        Setting.objects.filter(pk__in=needs.setting_ids).order_by().values_list("pk", "name")
    )
    return Suggestions(
        results=results,
        needs=needs,
        candidates=len(pool),
        open_requests=side.open_requests,
        items=[
            Suggestion(
                mentor=profiles[m.mentor_id],
                match=m,
                reasons=matching.explain(
                    m, setting_names=setting_names, pathway_names=pathway_names
                ),
            )
            for m in matches
        ],
    )


def next_suggestion(mentee: User) -> Suggestion | None:
    """The best mentor to ask next, for the email that says a request expired."""
    suggestions = mentor_suggestions(mentee=mentee, limit=1)
    return suggestions.items[0] if suggestions.items else None
