"""Reads for suggestions: the physician's needs and the candidate mentors as plain values
for the matching rule (mentors/matching.py), and its ranked, explained result."""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

from assessments.selectors import Results, results_for
from cmo_portal import clock
from cmo_portal.accounts.models import User
from mentors import matching
from mentors.models.mentorships import Mentorship
from mentors.models.profiles import MeetingFormat, MentorProfile, TeachableCompetency
from mentors.selectors.profiles import mentor_profiles_with_details
from pathways.models.curriculum import Pathway, Setting

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


def excluded_mentor_ids(mentee: User, *, now: datetime.datetime | None = None) -> set[int]:
    """Mentors the physician is not offered: those asked already (open or active) and
    those who declined, or let a request expire, within the cool-off."""
    now = now or clock.now()
    mine = Mentorship.objects.filter(mentee=mentee)
    excluded = (
        mine.current() | mine.declined_within_cool_off(now) | mine.expired_within_cool_off(now)
    )
    return set(excluded.values_list("mentor_id", flat=True))


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


def mentee_needs(
    results: Results, *, formats: frozenset[str] = frozenset()
) -> matching.MenteeNeeds:
    """What the matching looks for, from the physician's gap analysis."""
    subject = results.subject
    profile = getattr(subject, "profile", None)
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
        utc_offset_hours=utc_offset_hours(profile.time_zone if profile else None),
        formats=formats,
    )


def candidates(
    *, needs: matching.MenteeNeeds, mentee: User, exclude: set[int]
) -> list[matching.Candidate]:
    """Every approved mentor with room, as plain values for the matching, in four
    queries however many there are. Only the teachable competencies that matter to the
    physician's top gaps are loaded."""
    rows = list(
        MentorProfile.objects.with_room()
        .exclude(user=mentee)
        .exclude(pk__in=exclude)
        .values_list(
            "pk",
            "time_zone",
            "active_count",
            "capacity",
            *(f.field_name for f in MeetingFormat),
        )
    )
    ids = [row[0] for row in rows]
    teaches: dict[int, dict[int, int]] = {pk: {} for pk in ids}
    gap_ids = [g.competency_id for g in needs.gaps]
    if gap_ids:
        # Rows of mentors who are not candidates are skipped here rather than joined away
        # in SQL: cheaper than counting every mentor's mentees a second time.
        for mentor_id, competency_id, level in TeachableCompetency.objects.filter(
            competency__in=gap_ids
        ).values_list("mentor_id", "competency_id", "level"):
            if mentor_id in teaches:
                teaches[mentor_id][competency_id] = level
    known_settings: dict[int, set[int]] = {pk: set() for pk in ids}
    for mentor_id, setting_id in MentorProfile.settings_known.through.objects.filter(
        setting_id__in=needs.setting_ids
    ).values_list("mentorprofile_id", "setting_id"):
        if mentor_id in known_settings:
            known_settings[mentor_id].add(setting_id)
    known_pathways: dict[int, set[int]] = {pk: set() for pk in ids}
    for mentor_id, pathway_id in MentorProfile.pathways_known.through.objects.filter(
        pathway_id__in=needs.pathway_ids
    ).values_list("mentorprofile_id", "pathway_id"):
        if mentor_id in known_pathways:
            known_pathways[mentor_id].add(pathway_id)
    now = clock.now()
    # A few dozen time zones and seven mixes of formats serve thousands of mentors.
    offsets = {tz: utc_offset_hours(tz, now) for tz in {row[1] for row in rows}}
    formats = {
        flags: frozenset(f.value for on, f in zip(flags, MeetingFormat, strict=True) if on)
        for flags in {row[4:] for row in rows}
    }
    return [
        matching.Candidate(
            mentor_id=pk,
            teaches=teaches[pk],
            setting_ids=frozenset(known_settings[pk]),
            pathway_ids=frozenset(known_pathways[pk]),
            utc_offset_hours=offsets[time_zone],
            formats=formats[tuple(flags)],
            active=active,
            capacity=capacity,
        )
        for pk, time_zone, active, capacity, *flags in rows
    ]


def mentor_suggestions(
    *,
    mentee: User,
    pathway_slug: str | None = None,
    formats: frozenset[str] = frozenset(),
    limit: int = 10,
) -> Suggestions:
    """The approved mentors with room, best first, each with its reasons."""
    results = results_for(subject=mentee, pathway_slug=pathway_slug)
    needs = mentee_needs(results, formats=formats)
    exclude = excluded_mentor_ids(mentee)
    pool = candidates(needs=needs, mentee=mentee, exclude=exclude)
    matches = matching.rank(needs, pool, exclude=frozenset(exclude), limit=limit)
    profiles = mentor_profiles_with_details(MentorProfile.objects.with_load()).in_bulk(
        [m.mentor_id for m in matches]
    )
    setting_names = dict(Setting.objects.filter(pk__in=needs.setting_ids).values_list("pk", "name"))
    pathway_names = dict(
        Pathway.objects.filter(pk__in=needs.pathway_ids).values_list("pk", "title")
    )
    return Suggestions(
        results=results,
        needs=needs,
        candidates=len(pool),
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
