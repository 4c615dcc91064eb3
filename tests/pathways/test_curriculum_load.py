"""The shipped curriculum: complete, loaded idempotently, and never overwriting what
editors changed in admin."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.management.commands import load_curriculum
from pathways.models.curriculum import (
    Competency,
    CompetencyDomain,
    Pathway,
    PathwayCompetency,
    PathwayStep,
    ProficiencyLevel,
    RubricLevel,
    Setting,
)
from pathways.models.opportunities import LearningModule, Opportunity, OpportunityKind
from pathways.services.curriculum import CurriculumError, curriculum_load
from pathways.services.curriculum_files import next_occurrence

pytestmark = pytest.mark.django_db

MODELS = [
    Setting,
    ProficiencyLevel,
    CompetencyDomain,
    Competency,
    RubricLevel,
    Pathway,
    PathwayStep,
    PathwayCompetency,
    LearningModule,
    Opportunity,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_shipped_curriculum_is_as_big_as_promised():
    curriculum_load()

    assert Setting.objects.count() >= 8
    assert Pathway.objects.count() >= 8
    assert CompetencyDomain.objects.count() >= 8
    assert Competency.objects.count() >= 30
    assert LearningModule.objects.count() >= 30
    assert Opportunity.objects.count() >= 25
    assert set(Opportunity.objects.values_list("kind", flat=True)) == set(OpportunityKind.values)


def test_every_competency_has_a_descriptor_for_every_level_and_every_pathway_a_target():
    curriculum_load()
    scale = ProficiencyLevel.objects.count()
    competencies = Competency.objects.count()

    assert RubricLevel.objects.count() == competencies * scale
    for pathway in Pathway.objects.all():
        assert pathway.targets.count() == competencies, pathway.slug
    assert not Competency.objects.filter(modules__isnull=True).exists()


def test_loading_twice_leaves_the_same_row_counts():
    curriculum_load()
    first = counts()
    report = curriculum_load()

    assert counts() == first
    assert sum(report.created.values()) == 0


def test_an_admin_edit_survives_a_reload(admin_client):
    curriculum_load()
    competency = Competency.objects.first()
    level = competency.levels.get(level=2)

    admin_client.post(
        f"/admin/pathways/competency/{competency.pk}/change/",
        {
            "slug": competency.slug,
            "name": "Renamed by an editor",
            "domain": competency.domain_id,
            "description": competency.description,
            "order": competency.order,
            "levels-TOTAL_FORMS": 4,
            "levels-INITIAL_FORMS": 4,
            "levels-MIN_NUM_FORMS": 1,
            "levels-MAX_NUM_FORMS": 1000,
            **{
                f"levels-{i}-{field}": value
                for i, row in enumerate(competency.levels.order_by("level"))
                for field, value in {
                    "id": row.pk,
                    "competency": competency.pk,
                    "level": row.level,
                    "descriptor": "Edited descriptor." if row.pk == level.pk else row.descriptor,
                }.items()
            },
        },
    )
    competency.refresh_from_db()
    assert competency.name == "Renamed by an editor"
    assert competency.edited_locally

    report = curriculum_load()

    competency.refresh_from_db()
    level.refresh_from_db()
    assert competency.name == "Renamed by an editor"
    assert level.descriptor == "Edited descriptor."
    assert report.kept["competencies"] == 1


def test_a_reload_keeps_rows_editors_added_and_deletes_nothing():
    curriculum_load()
    added = Opportunity.objects.create(
        slug="editor-added",
        title="Added in admin",
        kind="job",
        organisation="A clinic",
        description="x",
        format="online",
        edited_locally=True,
    )
    before = counts()

    curriculum_load()

    assert Opportunity.objects.filter(pk=added.pk).exists()
    assert counts() == before


def test_a_reload_updates_rows_nobody_edited():
    curriculum_load()
    pathway = Pathway.objects.first()
    shipped_title = pathway.title
    Pathway.objects.filter(pk=pathway.pk).update(title="Stale title")

    curriculum_load()

    pathway.refresh_from_db()
    assert pathway.title == shipped_title


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 11, 22), datetime.date(2026, 12, 31), datetime.date(2028, 2, 29)],
)
def test_shipped_deadlines_are_never_in_the_past(on_date, today):
    on_date(today)
    curriculum_load()
    assert not Opportunity.objects.filter(deadline__lt=today).exists()
    assert Opportunity.objects.filter(deadline__isnull=True).exists()  # rolling ones


@pytest.mark.parametrize(
    ("month_day", "today", "expected"),
    [
        ("03-31", datetime.date(2026, 11, 22), datetime.date(2027, 3, 31)),
        ("12-01", datetime.date(2026, 11, 22), datetime.date(2026, 12, 1)),
        ("11-22", datetime.date(2026, 11, 22), datetime.date(2026, 11, 22)),
        ("02-29", datetime.date(2026, 11, 22), datetime.date(2027, 2, 28)),
    ],
)
def test_next_occurrence(month_day, today, expected):
    assert next_occurrence(month_day, today) == expected


def test_a_broken_reference_rolls_the_whole_load_back(tmp_path):
    (tmp_path / "broken.toml").write_text(
        '[[setting]]\nslug = "s"\nname = "S"\n\n'
        '[[module]]\nslug = "m"\ntitle = "M"\nobjective = "o"\ndescription = "d"\n'
        'kind = "course"\nformat = "online"\neffort_hours = 1\ncompetencies = ["nope"]\n'
    )
    with pytest.raises(CurriculumError, match="nope"):
        curriculum_load(folder=tmp_path)
    assert not Setting.objects.exists()


def test_load_curriculum_command_reports_what_it_did(capsys):
    call_command("load_curriculum")
    out = capsys.readouterr().out
    assert "Curriculum loaded" in out
    assert "created" in out


MODULE = (
    '[[module]]\nslug = "m"\ntitle = "M"\nobjective = "o"\ndescription = "d"\n'
    'format = "online"\neffort_hours = 1\ncompetencies = []\n'
    'delivery = "school"\nprovider = "A school of public health"\n'
)
OPPORTUNITY = (
    '[[opportunity]]\nslug = "o"\ntitle = "O"\nkind = "community"\norganisation = "A"\n'
    'description = "d"\nformat = "online"\nlisting = "real"\nurl = "https://a.example.org/"\n'
)


def load_rows(tmp_path, text: str) -> None:
    (tmp_path / "rows.toml").write_text(text)
    curriculum_load(folder=tmp_path)


def test_the_loader_reads_stage_ranges_and_what_a_module_leads_to(tmp_path):
    load_rows(
        tmp_path,
        MODULE
        + 'kind = "education"\nleads_to = "cphq"\n'
        + 'earliest_stage = "resident"\nlatest_stage = "practising"\n\n'
        + OPPORTUNITY
        + 'earliest_stage = "medical_student"\nlatest_stage = "medical_student"\n',
    )
    module = LearningModule.objects.get(slug="m")
    opportunity = Opportunity.objects.get(slug="o")

    assert (module.earliest_stage, module.latest_stage, module.leads_to) == (
        "resident",
        "practising",
        "cphq",
    )
    assert list(LearningModule.objects.for_stage("fellow")) == [module]
    assert not LearningModule.objects.for_stage("medical_student").exists()
    assert list(Opportunity.objects.for_stage("medical_student")) == [opportunity]
    assert not Opportunity.objects.for_stage("resident").exists()


def test_a_row_without_stages_suits_the_whole_career(tmp_path):
    load_rows(tmp_path, MODULE + 'kind = "course"\n\n' + OPPORTUNITY)
    for item in (LearningModule.objects.get(), Opportunity.objects.get()):
        assert (item.earliest_stage, item.latest_stage) == ("medical_student", "physician_leader")
        assert (item.earliest_stage_rank, item.latest_stage_rank) == (0, 4)
    assert LearningModule.objects.get().leads_to == ""


def test_a_reload_moves_a_stage_range_and_its_ranks(tmp_path):
    load_rows(tmp_path, MODULE + 'kind = "course"\n')
    load_rows(tmp_path, MODULE + 'kind = "course"\nearliest_stage = "fellow"\n')
    module = LearningModule.objects.get()
    assert (module.earliest_stage, module.earliest_stage_rank) == ("fellow", 2)
    assert not LearningModule.objects.for_stage("resident").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            'kind = "course"\nearliest_stage = "intern"\n',
            "module m has earliest_stage 'intern', which is not a career stage",
        ),
        (
            'kind = "course"\nlatest_stage = "Resident"\n',
            "module m has latest_stage 'Resident', which is not a career stage",
        ),
        (
            'kind = "course"\nearliest_stage = "practising"\nlatest_stage = "resident"\n',
            "module m has latest_stage 'resident' before its earliest_stage 'practising'",
        ),
        (
            'kind = "education"\nleads_to = "phd"\n',
            "module m leads to 'phd', which is not a credential",
        ),
        ('kind = "course"\nleads_to = "mba"\n', "leads to 'mba' but is not of kind"),
        ('kind = "education"\n', 'module m is of kind "education" but names no leads_to'),
    ],
)
def test_a_bad_stage_or_credential_is_refused_and_nothing_loads(tmp_path, extra, message):
    with pytest.raises(CurriculumError, match=message):
        load_rows(tmp_path, '[[setting]]\nslug = "s"\nname = "S"\n\n' + MODULE + extra)
    assert not Setting.objects.exists()
    assert not LearningModule.objects.exists()


def test_an_opportunity_with_a_bad_stage_is_refused(tmp_path):
    with pytest.raises(CurriculumError, match="opportunity o has latest_stage 'retired'"):
        load_rows(tmp_path, OPPORTUNITY + 'latest_stage = "retired"\n')


@pytest.mark.parametrize("stage", [None, "toddler"])
def test_a_pathway_must_name_a_real_earliest_stage(tmp_path, stage):
    line = f'earliest_stage = "{stage}"\n' if stage else ""
    with pytest.raises(CurriculumError, match="pathway p has earliest_stage"):
        load_rows(
            tmp_path,
            '[[setting]]\nslug = "s"\nname = "S"\n\n'
            '[[role_kind]]\nslug = "k"\nname = "K"\nsummary = "s"\naccountability = "a"\n'
            'time_commitment = "t"\ncompensation = "c"\n\n'
            '[[pathway]]\nslug = "p"\ntitle = "P"\nsetting = "s"\nrole_kind = "k"\n'
            'summary = "s"\nresponsibilities = ["r"]\nyears_clinical_min = 1\n'
            f'years_clinical_max = 2\ncompensation = "c"\n{line}targets = {{}}\n',
        )
    assert not Pathway.objects.exists()


def test_the_load_command_names_the_bad_value(tmp_path, monkeypatch):
    (tmp_path / "rows.toml").write_text(MODULE + 'kind = "course"\nearliest_stage = "intern"\n')
    monkeypatch.setattr(
        load_curriculum, "curriculum_load", lambda: curriculum_load(folder=tmp_path)
    )
    with pytest.raises(CommandError, match="earliest_stage 'intern', which is not a career stage"):
        call_command("load_curriculum")


# --- Where a module is taken, what a listing is, lessons --------------------------------

SITE_MODULE = (
    '[[module]]\nslug = "l"\ntitle = "L"\nobjective = "o"\ndescription = "d"\n'
    'kind = "course"\nformat = "online"\neffort_hours = 1\ncompetencies = []\n'
    'delivery = "site"\n\n'
)
LESSON = (
    '[[lesson]]\nmodule = "l"\n'
    '[[lesson.section]]\nheading = "What it is"\nbody = "One.\\n\\n- a\\n- b"\n'
    '[[lesson.section]]\nheading = "Why"\nbody = "Two."\n'
    '[[lesson.section]]\nheading = "How"\nbody = "Three."\n'
    '[[lesson.reflection]]\nprompt = "What would you do?"\n'
    '[[lesson.check]]\nquestion = "Q?"\nchoices = ["a", "b", "c"]\nanswer = 3\n'
    'explanation = "Because c."\n'
)


def test_a_lesson_is_loaded_with_its_parts_and_reloading_changes_nothing(tmp_path):
    load_rows(tmp_path, SITE_MODULE + LESSON)
    curriculum_load(folder=tmp_path)

    module = LearningModule.objects.get(slug="l")
    assert module.is_lesson
    assert [s.heading for s in module.lesson_sections.all()] == ["What it is", "Why", "How"]
    assert module.lesson_sections.first().blocks() == [("p", ["One."]), ("ul", ["a", "b"])]
    check = module.check_questions.get()
    assert check.choice_list == ["a", "b", "c"] and check.answer == 3
    assert module.reflection_questions.count() == 1


def test_a_shorter_lesson_keeps_a_reflection_question_someone_answered(tmp_path, physician):
    from pathways.models.lessons import ReflectionAnswer, ReflectionQuestion

    two = LESSON + '[[lesson.reflection]]\nprompt = "And then?"\n'
    load_rows(tmp_path, SITE_MODULE + two)
    answered = ReflectionQuestion.objects.get(prompt="And then?")
    ReflectionAnswer.objects.create(user=physician, question=answered, text="Mine.")

    load_rows(tmp_path, SITE_MODULE + LESSON)

    assert ReflectionAnswer.objects.get(user=physician).text == "Mine."
    assert ReflectionQuestion.objects.filter(pk=answered.pk).exists()


def test_a_lesson_for_a_module_taken_elsewhere_is_refused(tmp_path):
    elsewhere = SITE_MODULE.replace('delivery = "site"', 'delivery = "society"\nprovider = "S"')
    with pytest.raises(CurriculumError, match="not delivered on the site"):
        load_rows(tmp_path, elsewhere + LESSON)
    assert not LearningModule.objects.exists()


def test_a_self_check_answer_off_its_choices_is_refused(tmp_path):
    with pytest.raises(CurriculumError, match="question 1"):
        load_rows(tmp_path, SITE_MODULE + LESSON.replace("answer = 3", "answer = 4"))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (MODULE.replace('delivery = "school"', 'delivery = "moon"'), "delivery 'moon'"),
        (
            MODULE.replace('provider = "A school of public health"', ""),
            "names no provider or how_to_find",
        ),
        (OPPORTUNITY.replace('url = "https://a.example.org/"', ""), "neither a url nor a contact"),
        (OPPORTUNITY.replace('listing = "real"', 'listing = "example"'), "how_to_find"),
        (OPPORTUNITY.replace('listing = "real"', ""), "listing ''"),
    ],
)
def test_where_a_module_is_taken_and_what_a_listing_is_are_checked(tmp_path, rows, message):
    with pytest.raises(CurriculumError, match=message):
        load_rows(tmp_path, rows)


def test_every_module_the_site_delivers_has_a_full_lesson_and_every_other_says_where():
    """The shipped curriculum: a lesson of at least three sections, reflection questions
    and a self-check for each module taken here; a provider or how to find one for the
    rest; a way to find real ones for each example listing."""
    from pathways.models.opportunities import Opportunity

    curriculum_load()
    lessons = LearningModule.objects.lessons().prefetch_related(
        "lesson_sections", "reflection_questions", "check_questions"
    )
    assert lessons.count() >= 30
    for lesson in lessons:
        assert len(lesson.lesson_sections.all()) >= 3, lesson.slug
        assert len(lesson.reflection_questions.all()) >= 2, lesson.slug
        assert len(lesson.check_questions.all()) >= 3, lesson.slug
        assert lesson.format == "online", lesson.slug
        for question in lesson.check_questions.all():
            question.clean()  # its right answer is one of its choices
        assert "CMO Pathways" not in lesson.description, lesson.slug
    for module in LearningModule.objects.exclude(delivery="site"):
        assert module.how_to_find or module.provider, module.slug
        assert "CMO Pathways" not in module.provider, module.slug
    for example in Opportunity.objects.filter(listing="example"):
        assert example.how_to_find, example.slug
    for real in Opportunity.objects.filter(listing="real"):
        assert real.url or real.contact, real.slug
