"""The Monday morning the digest and reminder tests start at (8:05 in Chicago: the digest
and the daily check due), the physicians they start from, and what was sent to one."""

import datetime

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
