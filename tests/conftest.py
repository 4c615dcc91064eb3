"""Personas every view test can use: the owner of the data, another physician, an
approved mentor with no mentorship with the owner, the owner's active mentor, a
curriculum editor (staff in the editors' group), staff (the flag and nothing else),
support (the permission, with two-factor authentication), a superuser (with it too), and
a logged-out visitor. Besides: the two-pathway curriculum, a plan of the owner's with a
goal, and `run`, which runs a function with the work it queued for after the commit."""

import pytest
from django.core.cache import cache

from cmo_portal import page_cache
from pathways.models.plan import CareerPlan, PlanGoal
from tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    PathwayFactory,
    ProfileFactory,
    UserFactory,
    grant_support,
    second_factor_for,
    two_pathway_curriculum,
)
from tests.pages import client_for


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth's rate limits count in the cache: each test starts with none spent, and
    no page cached by another test (cmo_portal.page_cache)."""
    cache.clear()
    page_cache.local_copies_drop()
    yield
    cache.clear()
    page_cache.local_copies_drop()


@pytest.fixture(autouse=True)
def _query_budgets_measure_pages_rendered(request, settings):
    """A query budget is the page rendered: a copy from the page cache
    (cmo_portal.page_cache) costs the same few queries whatever the data. Tests marked
    `page_cache` measure those copies."""
    budgets = {"django_assert_max_num_queries", "django_assert_num_queries"}
    if budgets & set(request.fixturenames) and not request.node.get_closest_marker("page_cache"):
        settings.PAGE_CACHE = False


@pytest.fixture
def physician(db):
    return ProfileFactory(full_name="Dr Ada Owner").user


@pytest.fixture
def other_physician(db):
    return ProfileFactory(full_name="Dr Bo Stranger").user


@pytest.fixture
def mentor(db):
    """An approved mentor, a practising CMO, with no mentorship with `physician`."""
    user = ProfileFactory(full_name="Dr Cy Mentor", career_stage="physician_leader").user
    MentorProfileFactory(user=user)
    return user


@pytest.fixture
def active_mentor(physician):
    """An approved mentor whose mentorship with `physician` is active."""
    user = ProfileFactory(full_name="Dr Di Active", career_stage="physician_leader").user
    MentorshipFactory(mentee=physician, mentor=MentorProfileFactory(user=user), status="active")
    return user


@pytest.fixture
def staff(db):
    """Staff with no permission at all, and two-factor authentication on, so the admin
    opens: the flag alone shows nobody's data."""
    return ProfileFactory(
        user=UserFactory(is_staff=True, second_factor=True), full_name="Sam Staff"
    ).user


@pytest.fixture
def curriculum_editor(db):
    """Staff in the "Curriculum editor" group, with two-factor authentication on, as the
    admin requires."""
    from pathways.services.curriculum import curriculum_editor_group_sync

    user = ProfileFactory(
        user=UserFactory(is_staff=True, second_factor=True), full_name="Cleo Editor"
    ).user
    user.groups.add(curriculum_editor_group_sync())
    return user


@pytest.fixture
def support(db):
    """A support member: the permission to view physician records (not staff), with
    two-factor authentication on."""
    return grant_support(
        ProfileFactory(user=UserFactory(second_factor=True), full_name="Sol Support").user
    )


@pytest.fixture
def superuser(db):
    return ProfileFactory(
        user=UserFactory(is_staff=True, is_superuser=True, second_factor=True),
        full_name="Su Superuser",
    ).user


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser (behind its admin_client), with the second factor the
    admin asks of staff."""
    second_factor_for(admin_user)
    return admin_user


@pytest.fixture
def plan(physician) -> CareerPlan:
    """`physician`'s plan for a hospital CMO role, with no goal yet. Modules (and
    tests/pathways) that need another plan define their own."""
    return CareerPlan.objects.create(owner=physician, pathway=PathwayFactory(title="Hospital CMO"))


@pytest.fixture
def goal(plan) -> PlanGoal:
    """A goal of `plan`, with no action."""
    return PlanGoal.objects.create(
        plan=plan, title="Chair the quality committee", section="experiential"
    )


@pytest.fixture
def personas(
    physician, other_physician, mentor, active_mentor, curriculum_editor, staff, support, superuser
):
    """Each persona's user, by the name persona_clients uses (the visitor is None)."""
    return {
        "owner": physician,
        "physician": other_physician,
        "mentor": mentor,
        "active_mentor": active_mentor,
        "curriculum_editor": curriculum_editor,
        "staff": staff,
        "support": support,
        "superuser": superuser,
        "visitor": None,
    }


@pytest.fixture
def persona_clients(personas):
    return {name: client_for(user) for name, user in personas.items()}


@pytest.fixture
def curriculum(db) -> dict:
    """Two pathways over four competencies (tests.factories.two_pathway_curriculum)."""
    return two_pathway_curriculum()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a function and the work it queued for after the commit (the emails)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
