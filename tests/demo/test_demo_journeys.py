"""The three demo physicians arrive with their journeys under way, made on the shipped
curriculum by the real services: an assessment, two self-ratings weeks apart, a plan
partly done, an active mentor's feedback. Loading again creates and changes nothing."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from assessments.models import RaterRole, Rating
from assessments.selectors import results_for
from cmo_portal.accounts.models import CareerStage, User
from cmo_portal.demo.journeys import persona_pathways
from cmo_portal.demo.people import DEMO_MENTORS
from cmo_portal.demo.personas import LEADER, PERSONAS, PRACTISING, RESIDENT
from mentors.models.feedback import PlanComment
from mentors.models.mentorships import Mentorship, MentorshipStatus
from pathways.models.curriculum import Pathway
from pathways.models.plan import ItemStatus, PlanAction
from pathways.services.curriculum import curriculum_load
from tests.factories import PathwayFactory
from tests.pages import client_for, page_text

pytestmark = pytest.mark.django_db

PERSONA_IDS = [p.account.label for p in PERSONAS]


@pytest.fixture
def loaded(capsys):
    curriculum_load()
    call_command("load_demo_accounts")
    return capsys.readouterr().out


def _levels(rating_set) -> dict[int, int]:
    return dict(rating_set.ratings.values_list("competency_id", "level"))


@pytest.mark.parametrize("persona", PERSONAS, ids=PERSONA_IDS)
def test_each_persona_has_a_journey_under_way(loaded, persona):
    user = User.objects.get(email=persona.account.email)
    assert user.check_password(persona.account.password)
    stage = persona.account.profile["career_stage"]

    assessment = user.needs_assessments.get()
    assert assessment.is_complete
    assert assessment.career_stage == stage
    assert assessment.hours_per_week == persona.answers["hours_per_week"]
    assert assessment.time_horizon == persona.answers["time_horizon"]
    assert assessment.mentoring_goals and assessment.leadership_roles and assessment.committees
    assert assessment.settings_of_interest.exists()
    target = assessment.ranked_pathways()[0]
    assert target.suits_stage(stage)

    first, second = (
        user.rating_sets.submitted().filter(rater_role=RaterRole.SELF).order_by("submitted_at")
    )
    assert second.submitted_at - first.submitted_at >= datetime.timedelta(weeks=4)
    assert assessment.completed_at < first.submitted_at
    before, after = _levels(first), _levels(second)
    assert before.keys() == after.keys()
    raised = [c for c in after if after[c] > before[c]]
    assert len(raised) >= 2
    assert all(after[c] >= before[c] for c in after)
    readiness = [r[target.pk] for _, r in results_for(subject=user).history]
    assert readiness[0] is not None and readiness[1] > readiness[0]

    plan = user.career_plans.get()
    assert plan.pathway == target
    actions = PlanAction.objects.filter(goal__plan=plan)
    done = actions.filter(status=ItemStatus.DONE)
    assert done.filter(mentor__isnull=True).count() == persona.done_actions
    # What the plan said about the mentor they now have is done too.
    assert not actions.filter(mentor__email=persona.mentor_email).exclude(status="done").exists()
    assert actions.filter(status=ItemStatus.IN_PROGRESS).count() == 1
    assert actions.filter(status=ItemStatus.DONE).exclude(evidence="").exists()

    mentorship = Mentorship.objects.get(mentee=user)
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.mentor.user.email == persona.mentor_email
    assert mentorship.mentor.user.email in {m.email for m in DEMO_MENTORS}
    assert mentorship.started_at < second.submitted_at
    comment = PlanComment.objects.get(plan=plan, author=mentorship.mentor.user)
    assert comment.body == persona.mentor_comment
    assert comment.action.status == ItemStatus.IN_PROGRESS
    assert PlanComment.objects.filter(plan=plan, author=user).exists()  # the reply
    assert plan.reviews.exists() == bool(persona.review)
    assert plan.status == "active"


def test_the_practising_physician_closed_a_gap_and_the_stages_differ(loaded):
    user = User.objects.get(email=PRACTISING.account.email)
    pathway = user.career_plans.get().pathway
    targets = dict(pathway.targets.values_list("competency_id", "target_level"))
    first, second = user.rating_sets.submitted().order_by("submitted_at")
    before, after = _levels(first), _levels(second)
    closed = [c for c in after if before[c] < targets[c] <= after[c]]
    assert closed
    stages = [User.objects.get(email=p.account.email).profile.career_stage for p in PERSONAS]
    assert stages == [CareerStage.RESIDENT, CareerStage.PRACTISING, CareerStage.PHYSICIAN_LEADER]
    hours = [p.answers["hours_per_week"] for p in PERSONAS]
    assert hours == sorted(hours) and hours[0] <= 3


def _database() -> dict[str, list[dict]]:
    """Every row of every table, as values."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def test_loading_again_creates_and_changes_nothing(loaded, capsys):
    before = _database()
    assert sum(len(rows) for rows in before.values()) > 1000  # the curriculum and journeys

    call_command("load_demo_accounts")

    out = capsys.readouterr().out
    assert "(created)" not in out
    assert out.count("(kept)") == len(PERSONAS)
    after = _database()
    changed = [label for label in before if before[label] != after[label]]
    assert changed == []


@pytest.mark.parametrize("persona", PERSONAS, ids=PERSONA_IDS)
def test_each_personas_results_and_plan_show_their_journey(loaded, persona):
    user = User.objects.get(email=persona.account.email)
    plan = user.career_plans.get()
    client = client_for(user)

    results = client.get(reverse("assessments:results"))
    assert results.status_code == 200
    assert plan.pathway.title in page_text(results)

    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    text = page_text(page)
    assert plan.pathway.title in text
    assert "Done" in text and "In progress" in text
    assert persona.mentor_comment in text

    assert client.get(reverse("home")).status_code == 200
    # Their mentor, signed in, reads the same plan through the mentorship.
    mentor = User.objects.get(email=persona.mentor_email)
    assert client_for(mentor).get(plan.get_absolute_url()).status_code == 200


def test_the_command_says_who_shows_what(loaded):
    for persona in PERSONAS:
        assert persona.account.email in loaded
        assert persona.account.password in loaded
        assert f"{persona.shows} (created)" in loaded


def test_without_the_curriculum_the_personas_wait_for_it(capsys):
    call_command("load_demo_accounts")
    out = capsys.readouterr().out
    assert "load_curriculum" in out
    for persona in PERSONAS:
        user = User.objects.get(email=persona.account.email)
        assert not user.needs_assessments.exists()
    assert not Rating.objects.exists()

    curriculum_load()
    call_command("load_demo_accounts")  # the journeys follow once it is there
    assert User.objects.get(email=RESIDENT.account.email).career_plans.exists()


def test_the_resident_takes_a_track_made_for_the_early_stages_when_there_is_one():
    curriculum_load()
    suited = Pathway.objects.for_stage("resident")
    earliest_end = min(p.latest_stage_rank for p in suited)
    shipped = persona_pathways(RESIDENT)
    assert shipped[0].suits_stage("resident")
    assert shipped[0].latest_stage_rank == earliest_end  # a track for trainees, if any
    assert len(shipped) == 2 and shipped[1].slug in RESIDENT.pathways

    track = PathwayFactory(
        slug="residents-leadership-track",
        earliest_stage="medical_student",
        latest_stage="resident",
        setting=shipped[0].setting,
    )
    assert persona_pathways(RESIDENT)[0] == track

    # Without tracks, the first listed pathway that suits a resident.
    Pathway.objects.filter(latest_stage_rank__lt=4).exclude(pk=track.pk).delete()
    track.delete()
    left = persona_pathways(RESIDENT)[0]
    assert left.suits_stage("resident")
    assert left.slug == next(s for s in RESIDENT.pathways if suited.filter(slug=s).exists())
    # The practising physician keeps the pathway listed first for them.
    assert persona_pathways(PRACTISING)[0].slug == PRACTISING.pathways[0]


def test_with_no_pathway_for_the_stage_the_resident_still_gets_one():
    curriculum_load()
    Pathway.objects.update(earliest_stage="practising", earliest_stage_rank=3, latest_stage_rank=4)
    chosen = persona_pathways(RESIDENT)
    assert chosen and chosen[0].slug == RESIDENT.pathways[0]
    assert persona_pathways(LEADER)[0].slug == LEADER.pathways[0]
