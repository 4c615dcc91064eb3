"""The change per competency on the plan page, and what it costs the results and plan
pages in queries as competencies and rating sets grow."""

import datetime

import pytest
from django.urls import reverse

from pathways.services.plan import plan_generate
from tests.factories import CompetencyFactory, complete_assessment, submit_ratings

pytestmark = pytest.mark.django_db

DAY_ONE = datetime.date(2026, 3, 2)
DAY_TWO = datetime.date(2026, 6, 1)


@pytest.fixture
def pharma_plan(physician, curriculum, on_date):
    """A pharma plan generated from a first self-rating (weak at trials and finance)."""
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    on_date(DAY_ONE)
    submit_ratings(physician, {c["Clinical trial design"]: 1, c["Finance"]: 2, c["Negotiation"]: 3})
    return plan_generate(owner=physician, pathway=curriculum["pharma"], actor=physician)


def plan_page(client, plan) -> str:
    response = client.get(reverse("pathways:plan-detail", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_plan_page_shows_the_change_with_the_goals_on_each_competency(
    client, physician, curriculum, pharma_plan, on_date
):
    c = curriculum["competencies"]
    on_date(DAY_TWO)
    submit_ratings(physician, {c["Clinical trial design"]: 2, c["Finance"]: 3})
    finance_goal = pharma_plan.goals.get(competency=c["Finance"])
    client.force_login(physician)

    page = plan_page(client, pharma_plan)

    assert "Change since your previous ratings" in page
    assert "Pharma CMO: change per competency" in page
    assert '<th scope="col">Goals in this plan</th>' in page
    assert f'<a href="#goal-{finance_goal.pk}">{finance_goal.title}</a>' in page
    assert "Up 1 level" in page and "Closed the gap" in page
    assert '<svg class="change-chart"' in page
    assert 'id="plan-changes"' in page
    # After the plan's goals.
    assert page.index('id="plan-changes"') > page.index('id="section-first_90_days"')


def test_with_one_set_the_plan_page_says_the_change_comes_after_the_next(
    client, physician, pharma_plan
):
    client.force_login(physician)

    page = plan_page(client, pharma_plan)

    assert "The change in each competency shows here after your next reassessment" in page
    assert "change-chart" not in page


def test_an_active_mentor_sees_the_change_on_the_plan(
    client, physician, curriculum, pharma_plan, active_mentor, on_date
):
    on_date(DAY_TWO)
    submit_ratings(physician, {curriculum["competencies"]["Finance"]: 3})
    client.force_login(active_mentor)

    page = plan_page(client, pharma_plan)

    assert "Change since the previous ratings" in page
    assert "Closed the gap" in page


def test_a_plan_with_no_rating_shows_no_change_section(client, physician, curriculum):
    complete_assessment(physician, curriculum["pharma"])
    plan = plan_generate(owner=physician, pathway=curriculum["pharma"], actor=physician)
    client.force_login(physician)

    page = plan_page(client, plan)

    assert "Change since your previous ratings" not in page


# --- Queries: flat as competencies and sets grow ---------------------------------------


def grow(physician, curriculum, on_date, *, size: int) -> None:
    """`size` * 3 more pharma competencies, each rated in `size` * 2 more sets."""
    extra = CompetencyFactory.create_batch(size * 3)
    for competency in extra:
        curriculum["pharma"].targets.create(competency=competency, target_level=3, weight=2)
    for index in range(size * 2):
        on_date(DAY_TWO + datetime.timedelta(days=index))
        submit_ratings(physician, {competency: index % 4 + 1 for competency in extra})


def count_queries(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(40) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_results_and_plan_pages_cost_the_same_queries_with_more_ratings(
    client, physician, curriculum, pharma_plan, on_date, django_assert_max_num_queries
):
    urls = (reverse("assessments:results"), reverse("pathways:plan-detail", args=[pharma_plan.pk]))
    grow(physician, curriculum, on_date, size=1)
    client.force_login(physician)  # after the clock moved on, so the session is fresh
    small = [count_queries(client, url, django_assert_max_num_queries) for url in urls]

    grow(physician, curriculum, on_date, size=6)
    client.force_login(physician)

    for url, before in zip(urls, small, strict=True):
        with django_assert_max_num_queries(before):
            page = client.get(url).content.decode()
        assert page.count('<th scope="row">') >= 6 * 3  # the extra competencies are there
        assert "change-chart" in page
