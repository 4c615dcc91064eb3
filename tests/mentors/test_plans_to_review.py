"""A mentor's "plans to review" is one rule (mentors.selectors.feedback): a plan of an
active mentee that this mentor never reviewed, or that changed since their last review.
Home, the digest and the mentor's dashboard count it the same way."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cmo_portal.composers.digests import digest_batch_compose
from cmo_portal.notifications.models import NotificationPreferences
from cmo_portal.notifications.services import preferences_for
from mentors.selectors.feedback import plans_to_review
from mentors.services.feedback import plan_review_submit
from pathways.models.plan import CareerPlan, PlanChange, PlanStatus
from tests.factories import PathwayFactory
from tests.pages import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_plan(physician, active_mentor) -> CareerPlan:
    """One plan of the mentor's mentee, still a draft, never reviewed."""
    return CareerPlan.objects.create(
        owner=physician, pathway=PathwayFactory(title="Payer CMO"), status=PlanStatus.DRAFT
    )


def on_home(mentor) -> int:
    response = client_for(mentor).get(reverse("home"))
    return response.context["board"].mentor_counts["to_review"]


def on_the_dashboard(mentor) -> int:
    response = client_for(mentor).get(reverse("mentors:dashboard"))
    return len(response.context["board"].to_review)


def in_the_digest(mentor, django_capture_on_commit_callbacks, week: int) -> int:
    """Compose the mentor's digest for a new week; count the plans it lists to review."""
    preferences_for(mentor)
    now = timezone.now()
    NotificationPreferences.objects.filter(user=mentor).update(
        next_digest_at=now - datetime.timedelta(weeks=10 - week), last_digest_at=None
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digest_batch_compose([mentor.pk], now=now)
    bodies = [m.body for m in mail.outbox if m.to == [mentor.email]]
    if not bodies:
        return 0
    section = re.search(r"PLANS TO REVIEW\n(.*?)\n\n", bodies[0] + "\n\n", re.S)
    return section.group(1).count(": plan for ") if section else 0


def counts(mentor, capture, week: int) -> dict[str, int]:
    return {
        "home": on_home(mentor),
        "digest": in_the_digest(mentor, capture, week),
        "dashboard": on_the_dashboard(mentor),
    }


def test_an_unreviewed_draft_plan_is_one_to_review_on_home_the_digest_and_the_dashboard(
    active_mentor, draft_plan, django_capture_on_commit_callbacks
):
    assert counts(active_mentor, django_capture_on_commit_callbacks, week=1) == {
        "home": 1,
        "digest": 1,
        "dashboard": 1,
    }


def test_a_reviewed_plan_leaves_the_count_until_it_changes_again_everywhere(
    physician, active_mentor, draft_plan, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        plan_review_submit(plan=draft_plan, user=active_mentor, outcome="noted", summary="Good.")
    assert counts(active_mentor, capture, week=2) == {"home": 0, "digest": 0, "dashboard": 0}

    PlanChange.objects.create(plan=draft_plan, actor=physician, summary="Added a goal")
    assert counts(active_mentor, capture, week=3) == {"home": 1, "digest": 1, "dashboard": 1}


def test_the_plans_to_review_are_read_in_a_fixed_number_of_queries(
    physician, active_mentor, draft_plan, mentor, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        found = plans_to_review([active_mentor.pk, mentor.pk])
    assert [plan for _, plan in found[active_mentor.pk]] == [draft_plan]
    assert mentor.pk not in found
