"""The time-zone rule: digests and reminders at about 8:00 in each user's own time zone,
once a period, across the 2026 daylight-saving changes."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail

from cmo_portal.composers.digests import digests_due_sweep
from cmo_portal.notifications import schedule, services
from cmo_portal.notifications.models import EmailKind, EmailLog, EmailStatus
from pathways.models.plan import CareerPlan
from tests.factories import PathwayFactory, ProfileFactory

UTC = datetime.UTC
ZONES = ("Asia/Tokyo", "America/Chicago", "Europe/Berlin", "Asia/Kolkata")


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def test_a_weekly_digest_is_at_eight_local_on_the_chosen_day():
    # Sunday 1 March 2026, noon UTC; Monday is day 0.
    after = utc(2026, 3, 1, 12)
    assert schedule.next_digest_at(
        frequency="weekly", weekday=0, time_zone="America/Chicago", after=after
    ) == utc(2026, 3, 2, 14)  # 8:00 CST
    assert schedule.next_digest_at(
        frequency="weekly", weekday=0, time_zone="Asia/Tokyo", after=after
    ) == utc(2026, 3, 1, 23)  # already Monday 2 March in Tokyo at 23:00 UTC
    assert (
        schedule.next_digest_at(frequency="never", weekday=0, time_zone="Asia/Tokyo", after=after)
        is None
    )


def test_the_next_digest_stays_at_eight_local_when_the_clocks_change():
    # Chicago moves to CDT on 8 March 2026: 8:00 local is 13:00 UTC from then on.
    first = schedule.next_digest_at(
        frequency="weekly", weekday=0, time_zone="America/Chicago", after=utc(2026, 3, 2, 14)
    )
    assert first == utc(2026, 3, 9, 13)
    # Berlin moves back to CET on 25 October: 8:00 local is 7:00 UTC again.
    assert schedule.next_digest_at(
        frequency="weekly", weekday=0, time_zone="Europe/Berlin", after=utc(2026, 10, 19, 6)
    ) == utc(2026, 10, 26, 7)


def test_a_monthly_digest_is_on_the_first_chosen_weekday_of_the_month():
    assert schedule.next_digest_at(
        frequency="monthly", weekday=2, time_zone="Europe/Berlin", after=utc(2026, 3, 5)
    ) == utc(2026, 4, 1, 6)  # Wednesday 1 April, 8:00 CEST


def test_the_period_key_comes_from_the_local_date():
    # 23:00 UTC on Sunday is already Monday in Tokyo: that Monday's ISO week.
    slot = utc(2026, 3, 8, 23)
    assert (
        schedule.digest_period_key(frequency="weekly", slot=slot, time_zone="Asia/Tokyo")
        == "2026-W11"
    )
    assert schedule.digest_period_key(frequency="weekly", slot=slot, time_zone="UTC") == "2026-W10"
    assert schedule.digest_period_key(frequency="monthly", slot=slot, time_zone="UTC") == "2026-03"


def test_the_daily_check_is_at_eight_local():
    assert schedule.next_daily_at(time_zone="Asia/Kolkata", after=utc(2026, 3, 1, 3)) == utc(
        2026, 3, 2, 2, 30
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (utc(2026, 3, 1), utc(2026, 4, 6)),  # US 8 March, EU 29 March
        (utc(2026, 10, 18), utc(2026, 11, 16)),  # EU 25 October, US 1 November
    ],
    ids=["spring", "autumn"],
)
def test_four_time_zones_get_one_weekly_digest_each_at_their_own_eight_across_dst(
    start, end, django_capture_on_commit_callbacks
):
    with time_machine.travel(start, tick=False) as clock:
        users = {}
        for zone in ZONES:
            user = ProfileFactory(time_zone=zone).user
            CareerPlan.objects.create(owner=user, pathway=PathwayFactory())
            services.preferences_for(user)
            users[user.pk] = zone
        moment = start
        while moment < end:  # beat, every 15 minutes
            clock.move_to(moment)
            with django_capture_on_commit_callbacks(execute=True):
                digests_due_sweep()
            moment += datetime.timedelta(minutes=15)

    logs = list(EmailLog.objects.filter(kind=EmailKind.DIGEST))
    assert {log.status for log in logs} == {EmailStatus.SENT}, [log.last_error for log in logs]
    weeks = {}
    for log in logs:
        local = log.sent_at.astimezone(zoneinfo.ZoneInfo(users[log.user_id]))
        assert local.weekday() == 0, f"{users[log.user_id]}: sent on {local:%A}"
        assert datetime.time(8) <= local.time() < datetime.time(8, 15), (
            f"{users[log.user_id]}: {local}"
        )
        weeks.setdefault(log.user_id, []).append(log.period_key)
    expected = (end - start).days // 7
    for user_id, keys in weeks.items():
        assert len(keys) == len(set(keys)), f"{users[user_id]}: a week twice: {keys}"
        assert len(keys) in (expected, expected + 1), f"{users[user_id]}: {keys}"
    assert set(weeks) == set(users)
    assert len(mail.outbox) == len(logs)
