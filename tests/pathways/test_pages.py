"""The curriculum's public pages: open to visitors, filters that work and forgive bad
input, and a number of queries that does not grow with the curriculum."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import (
    CompetencyDomainFactory,
    CompetencyFactory,
    LearningModuleFactory,
    OpportunityFactory,
    PathwayCompetencyFactory,
    PathwayFactory,
    RoleKindFactory,
    SettingFactory,
    make_scale,
)
from tests.pathways.dates import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def build_curriculum(n: int) -> dict:
    """n of everything around one pathway and one competency, so every page has n rows."""
    make_scale()
    domain = CompetencyDomainFactory()
    competencies = CompetencyFactory.create_batch(n, domain=domain)
    pathways = PathwayFactory.create_batch(n)
    pathway, competency = pathways[0], competencies[0]
    for other in competencies:
        PathwayCompetencyFactory(pathway=pathway, competency=other)
    for other in pathways[1:]:
        PathwayCompetencyFactory(pathway=other, competency=competency)
    modules = LearningModuleFactory.create_batch(n, competencies=competencies[:3])
    opportunities = [
        OpportunityFactory(pathways=pathways[:3], deadline=TODAY + datetime.timedelta(days=i % 60))
        for i in range(n)
    ]
    opportunity = opportunities[0]
    opportunity.competencies.set(competencies[:3])
    return {
        "pathway": pathway,
        "pathways": pathways,
        "competency": competency,
        "module": modules[0],
        "opportunity": opportunity,
    }


def page_urls(objects: dict) -> list[str]:
    slugs = [p.slug for p in objects["pathways"][:3]]
    return [
        reverse("pathways:pathway-list"),
        reverse("pathways:pathway-detail", args=[objects["pathway"].slug]),
        reverse("pathways:pathway-compare") + "?" + "&".join(f"pathways={s}" for s in slugs),
        reverse("pathways:role-kinds"),
        reverse("pathways:competency-list"),
        reverse("pathways:competency-detail", args=[objects["competency"].slug]),
        reverse("pathways:pathway-list") + "?stage=medical_student",
        reverse("pathways:module-list"),
        reverse("pathways:module-list") + "?stage=resident&kind=course",
        reverse("pathways:module-detail", args=[objects["module"].slug]),
        reverse("pathways:opportunity-list"),
        reverse("pathways:opportunity-list") + "?stage=practising&deadline=90",
        reverse("pathways:opportunity-detail", args=[objects["opportunity"].slug]),
    ]


def test_every_curriculum_page_is_open_to_visitors(client):
    for url in page_urls(build_curriculum(3)):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url  # public, cacheable


@pytest.mark.parametrize("n", [10, 300])
def test_page_queries_do_not_grow_with_the_curriculum(client, n, django_assert_max_num_queries):
    for url in page_urls(build_curriculum(n)):
        with django_assert_max_num_queries(9, info=url):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/pathways/?setting=nope&stage=emperor&page=abc",
        "/pathways/?page=99999",
        "/pathways/?page=-1&q=" + "x" * 500,
        "/pathways/compare/?pathways=nope",
        "/pathways/compare/?pathways=a&pathways=b&pathways=c&pathways=d",
        "/modules/?kind=sorcery&format=telepathy&competency=nope&page=0",
        "/modules/?stage=emperor",
        "/modules/?stage=%00&stage=resident",
        "/opportunities/?deadline=7&kind=x&remote=maybe&page=999",
        "/opportunities/?stage=" + "x" * 500,
        "/opportunities/?deadline=30&page=%00",
    ],
)
def test_bad_filter_and_page_parameters_give_a_normal_page(client, url):
    build_curriculum(3)
    response = client.get(url)
    assert response.status_code == 200


def test_a_tampered_filter_is_reported_on_the_form_and_ignored(client):
    objects = build_curriculum(3)
    response = client.get("/pathways/?setting=nope")
    assert "setting" in response.context["form"].errors
    assert response.context["page"].paginator.count == len(objects["pathways"])


@pytest.mark.parametrize("kind", ["pathway", "competency", "module", "opportunity"])
def test_an_unknown_slug_is_a_404(client, kind):
    assert client.get(reverse(f"pathways:{kind}-detail", args=["no-such-thing"])).status_code == 404


def test_pathways_filter_by_setting_stage_and_search(client):
    payer = SettingFactory(slug="payer", name="Payer")
    hospital = SettingFactory(slug="hospital", name="Hospital")
    kind = RoleKindFactory()
    PathwayFactory(title="Payer CMO", setting=payer, role_kind=kind, earliest_stage="practising")
    PathwayFactory(
        title="Start-up advisor",
        setting=hospital,
        role_kind=kind,
        earliest_stage="resident",
        summary="Advises founders on clinical questions.",
    )

    def titles(query: str) -> set[str]:
        page = client.get(f"/pathways/?{query}").context["page"]
        return {pathway.title for pathway in page}

    assert titles("setting=payer") == {"Payer CMO"}
    assert titles("stage=resident") == {"Start-up advisor"}
    assert titles("stage=physician_leader") == {"Payer CMO", "Start-up advisor"}
    assert titles("q=founders") == {"Start-up advisor"}


def test_the_opportunity_board_hides_closed_ones_and_filters_by_deadline(client):
    OpportunityFactory(title="Closed", deadline=TODAY - datetime.timedelta(days=1))
    OpportunityFactory(title="Soon", deadline=TODAY + datetime.timedelta(days=10), kind="job")
    OpportunityFactory(title="Later", deadline=TODAY + datetime.timedelta(days=80))
    OpportunityFactory(title="Rolling", deadline=None, is_remote=True)

    def titles(query: str = "") -> list[str]:
        return [o.title for o in client.get(f"/opportunities/?{query}").context["page"]]

    assert titles() == ["Soon", "Later", "Rolling"]  # soonest first, rolling last
    assert titles("deadline=30") == ["Soon"]
    assert titles("deadline=90") == ["Soon", "Later"]
    assert titles("deadline=rolling") == ["Rolling"]
    assert titles("remote=on") == ["Rolling"]
    assert titles("kind=job") == ["Soon"]


def test_a_closed_opportunity_still_has_its_page(client):
    closed = OpportunityFactory(deadline=TODAY - datetime.timedelta(days=5))
    response = client.get(reverse("pathways:opportunity-detail", args=[closed.slug]))
    assert response.status_code == 200
    assert b"deadline has passed" in response.content


def test_modules_filter_by_kind_and_competency(client):
    make_scale()
    finance = CompetencyFactory(slug="finance")
    LearningModuleFactory(title="Finance for physicians", competencies=[finance], kind="course")
    LearningModuleFactory(title="Start-up internship", kind="experiential")

    def titles(query: str) -> list[str]:
        return [m.title for m in client.get(f"/modules/?{query}").context["page"]]

    assert titles("competency=finance") == ["Finance for physicians"]
    assert titles("kind=experiential") == ["Start-up internship"]


def test_compare_needs_two_or_three_pathways(client):
    slugs = [pathway.slug for pathway in build_curriculum(4)["pathways"]]

    one = client.get(f"/pathways/compare/?compare=1&pathways={slugs[0]}")
    four = client.get("/pathways/compare/?" + "&".join(f"pathways={s}" for s in slugs))

    for response in (one, four):
        assert "Choose two or three pathways" in response.content.decode()
        assert response.context["pathways"] == []


def test_arriving_from_a_pathway_ticks_it_without_an_error(client):
    pathway = build_curriculum(3)["pathway"]

    response = client.get(f"/pathways/compare/?pathways={pathway.slug}")

    assert not response.context["form"].errors
    assert f'value="{pathway.slug}" id="id_pathways_0" checked' in response.content.decode()


def test_compare_lines_up_each_pathways_target_per_competency(client):
    make_scale()
    a, b = PathwayFactory(), PathwayFactory()
    trials = CompetencyFactory(name="Clinical trial design")
    safety = CompetencyFactory(name="Quality and safety")
    PathwayCompetencyFactory(pathway=a, competency=trials, target_level=4)
    PathwayCompetencyFactory(pathway=b, competency=safety, target_level=4)
    PathwayCompetencyFactory(pathway=b, competency=trials, target_level=2)

    response = client.get(f"/pathways/compare/?pathways={a.slug}&pathways={b.slug}")

    rows = {row.competency.name: row.targets for row in response.context["rows"]}
    assert [t.target_level for t in rows["Clinical trial design"]] == [4, 2]
    assert rows["Quality and safety"][0] is None
    assert rows["Quality and safety"][1].target_level == 4


def test_pathway_detail_lists_modules_for_its_heaviest_competencies_first(client):
    make_scale()
    pathway = PathwayFactory()
    essential = CompetencyFactory()
    useful = CompetencyFactory()
    PathwayCompetencyFactory(pathway=pathway, competency=essential, weight=3)
    PathwayCompetencyFactory(pathway=pathway, competency=useful, weight=1)
    LearningModuleFactory(title="A useful module", competencies=[useful])
    LearningModuleFactory(title="Z essential module", competencies=[essential])
    LearningModuleFactory(title="Unrelated module")

    response = client.get(reverse("pathways:pathway-detail", args=[pathway.slug]))

    assert [m.title for m in response.context["modules"]] == [
        "Z essential module",
        "A useful module",
    ]
