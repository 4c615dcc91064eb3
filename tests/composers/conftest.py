"""What the digest and reminder tests share: a clock at a Monday 8:05 in Chicago (the
digest and the daily check due), a runner that executes what is queued after the commit,
and the physicians the tests start from."""

import datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress

from cmo_portal.notifications import services
from cmo_portal.notifications.models import EmailLog
from pathways.models.plan import (
    CareerPlan,
    PlanAction,
    PlanGoal,
)
from pathways.services import plan_items
from tests.factories import (
    PathwayFactory,
    ProfileFactory,
)

# Monday 9 March 2026, 8:05 in Chicago (CDT): the digest and the daily check are due.
NOW = datetime.datetime(2026, 3, 9, 13, 5, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 9)


@pytest.fixture
def clock():
    with time_machine.travel(NOW - datetime.timedelta(days=40), tick=False) as traveller:
        yield traveller


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def physician_with_plan(clock, **profile):
    user = ProfileFactory(time_zone="America/Chicago", **profile).user
    plan = CareerPlan.objects.create(owner=user, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="Lead the budget", section="education")
    services.preferences_for(user)
    return user, plan, goal


def at_now(clock):
    clock.move_to(NOW)


def kinds_for(user) -> list[str]:
    return sorted(EmailLog.objects.filter(user=user).values_list("kind", flat=True))


def unverified_physician_with_plan(clock):
    """As a real sign-up leaves them: the address row is there, not yet verified."""
    user, plan, goal = physician_with_plan(clock, user__verified_email=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user, plan, goal


def physician_with_removed_items(clock):
    user, plan, goal = physician_with_plan(clock)
    PlanAction.objects.create(
        goal=goal, title="Kept action", due_date=TODAY + datetime.timedelta(1)
    )
    alone = PlanAction.objects.create(
        goal=goal, title="Removed action", due_date=TODAY + datetime.timedelta(1)
    )
    gone = PlanGoal.objects.create(plan=plan, title="Removed goal", section="mentors")
    PlanAction.objects.create(
        goal=gone, title="Action of the removed goal", due_date=TODAY + datetime.timedelta(1)
    )
    plan_items.action_remove(action=alone, actor=user)
    plan_items.goal_remove(goal=gone, actor=user)
    return user
