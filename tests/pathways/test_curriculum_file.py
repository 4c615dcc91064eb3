"""The curriculum as a file: editors export all of it from admin and import such a file
after a preview; a bad file changes nothing; descriptors keep a revertible history."""

import datetime
import tomllib

import pytest
import tomli_w
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from pathways.models.curriculum import (
    Competency,
    ProficiencyLevel,
    RubricLevel,
    Setting,
)
from pathways.models.opportunities import LearningModule, Opportunity
from pathways.services.curriculum import CURRICULUM_MODELS, curriculum_load
from pathways.services.curriculum_export import curriculum_export
from pathways.services.curriculum_import import CURRICULUM_FILE_MAX_BYTES
from tests.admin_forms import admin_form_data
from tests.pages import client_for

pytestmark = pytest.mark.django_db

EXPORT = reverse("curriculum_file:export")
IMPORT = reverse("curriculum_file:import")


# What names a row that has no slug: its parent and its place.
KEY_FIELDS = ("competency", "pathway", "module", "order", "level", "degree")


def natural_key(row: models.Model) -> tuple:
    """What names a curriculum row whatever its id: its slug, or its parent and place."""
    if isinstance(row, ProficiencyLevel):
        return ("level", row.number)
    if hasattr(row, "slug"):
        return (row._meta.model_name, row.slug)
    return (
        row._meta.model_name,
        *(
            natural_key(getattr(row, field.name)) if field.is_relation else getattr(row, field.name)
            for field in row._meta.concrete_fields
            if field.name in KEY_FIELDS
        ),
    )


def curriculum_dump() -> dict:
    """Every curriculum row's fields, relations by natural key, many-to-many included:
    what two databases holding the same curriculum have in common."""
    dump = {}
    for model in CURRICULUM_MODELS:
        rows = {}
        for row in model._default_manager.all():
            fields = {}
            for field in row._meta.concrete_fields:
                if field.primary_key or field.name in ("created_at", "updated_at"):
                    continue
                value = getattr(row, field.name)
                fields[field.name] = natural_key(value) if field.is_relation else value
            for field in row._meta.many_to_many:
                fields[field.name] = sorted(
                    natural_key(item) for item in getattr(row, field.name).all()
                )
            rows[natural_key(row)] = fields
        dump[model._meta.label] = rows
    return dump


def curriculum_empty() -> None:
    for model in reversed(CURRICULUM_MODELS):
        model._default_manager.all().delete()


def upload(client, text: str | bytes, name: str = "curriculum.toml"):
    content = text.encode() if isinstance(text, str) else text
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def confirm(client, preview):
    return client.post(IMPORT, {"digest": preview.context["digest"]})


@pytest.fixture
def editor_client(curriculum_editor):
    return client_for(curriculum_editor)


@pytest.fixture
def shipped(db) -> str:
    """The shipped curriculum, loaded, and its export."""
    curriculum_load()
    return curriculum_export(today=datetime.date.today())


def test_an_export_imported_into_an_empty_database_gives_the_same_curriculum(editor_client):
    curriculum_load()
    before = curriculum_dump()
    exported = editor_client.get(EXPORT)
    assert exported["Content-Type"].startswith("application/toml")
    assert "attachment" in exported["Content-Disposition"]

    curriculum_empty()
    assert not Competency.objects.exists()
    preview = upload(editor_client, exported.content)
    assert preview.status_code == 200, preview.context["form"].errors
    assert not Competency.objects.exists()  # the preview changed nothing
    response = confirm(editor_client, preview)

    assert response.status_code == 302
    assert curriculum_dump() == before
    assert LearningModule.objects.filter(lesson_sections__isnull=False).exists()


def test_the_export_has_every_table_the_loader_reads_and_full_deadlines(shipped):
    tables = tomllib.loads(shipped)

    assert set(tables) == {
        "level",
        "setting",
        "role_kind",
        "domain",
        "pathway",
        "module",
        "opportunity",
        "lesson",
    }
    assert all(len(c["levels"]) == 4 for d in tables["domain"] for c in d["competency"])
    dated = [row for row in tables["opportunity"] if "deadline" in row]
    assert dated and all(isinstance(row["deadline"], datetime.date) for row in dated)
    assert {"steps", "education", "targets"} <= set(tables["pathway"][0])
    assert {"section", "reflection", "check"} <= set(tables["lesson"][0])


def test_importing_the_curriculum_as_it_is_changes_nothing(editor_client, shipped):
    preview = upload(editor_client, shipped)

    assert not preview.context["report"].changes_anything
    assert "importing it changes nothing" in preview.content.decode()


def test_the_preview_shows_what_changes_and_changes_nothing(editor_client, shipped):
    tables = tomllib.loads(shipped)
    tables["domain"][0]["competency"][0]["levels"][1] = "A new level 2 descriptor."
    tables["setting"].append({"slug": "new-setting", "name": "A new setting", "order": 9})
    before = curriculum_dump()

    preview = upload(editor_client, tomli_w.dumps(tables))

    report = preview.context["report"]
    assert report.updated["rubric levels"] == 1
    assert report.created["settings"] == 1
    assert sum(report.updated.values()) == 1
    page = preview.content.decode()
    assert '<th scope="row">Rubric levels</th><td>0</td><td>1</td>' in page
    assert f'value="{preview.context["digest"]}"' in page
    assert curriculum_dump() == before


def test_a_confirmed_import_overwrites_edited_rows_and_they_stay_edited(editor_client, shipped):
    tables = tomllib.loads(shipped)
    slug = tables["setting"][0]["slug"]
    Setting.objects.filter(slug=slug).update(name="Edited in admin", edited_locally=True)
    tables["setting"][0]["name"] = "From the file"

    preview = upload(editor_client, tomli_w.dumps(tables))
    assert preview.context["report"].overwritten["settings"] == 1
    confirm(editor_client, preview)

    setting = Setting.objects.get(slug=slug)
    assert setting.name == "From the file"
    assert setting.edited_locally


def test_a_repeated_confirm_imports_once(editor_client, shipped):
    tables = tomllib.loads(shipped)
    tables["domain"][0]["competency"][0]["levels"][0] = "Changed once."
    preview = upload(editor_client, tomli_w.dumps(tables))
    level = RubricLevel.objects.get(
        competency__slug=tables["domain"][0]["competency"][0]["slug"], level=1
    )
    versions = level.history.count()

    first = confirm(editor_client, preview)
    second = confirm(editor_client, preview)

    assert first.status_code == second.status_code == 302
    assert second.url == IMPORT
    assert level.history.count() == versions + 1
    level.refresh_from_db()
    assert level.descriptor == "Changed once."
    messages = [str(m) for m in editor_client.get(IMPORT).context["messages"]]
    assert any("Nothing was imported" in m for m in messages)


def _shipped_with(shipped: str, change) -> str:
    tables = tomllib.loads(shipped)
    change(tables)
    return tomli_w.dumps(tables)


BAD_FILES = {
    "not TOML": (lambda shipped: "[[setting]\nslug = ", "not valid TOML"),
    "not UTF-8": (lambda shipped: b"\xff\xfe[[setting]]", "not UTF-8"),
    "a misspelt table": (lambda shipped: '[[settings]]\nslug = "x"\n', "does not use: settings"),
    "a table that is not a list": (lambda shipped: "setting = 3\n", "must be a list"),
    "empty": (lambda shipped: "# nothing here\n", "holds no curriculum"),
    "an unknown slug": (
        lambda shipped: _shipped_with(
            shipped, lambda t: t["module"][0].__setitem__("competencies", ["no-such-thing"])
        ),
        "no-such-thing",
    ),
    "a missing key": (
        lambda shipped: _shipped_with(shipped, lambda t: t["setting"][0].pop("name")),
        "lacks its 'name'",
    ),
    "a value of the wrong form": (
        lambda shipped: _shipped_with(
            shipped, lambda t: t["domain"][0]["competency"][0].__setitem__("levels", 4)
        ),
        "wrong form",
    ),
    "a value the model refuses": (
        lambda shipped: _shipped_with(shipped, lambda t: t["module"][0].__setitem__("kind", "nap")),
        "kind",
    ),
    "a bad deadline": (
        lambda shipped: _shipped_with(
            shipped, lambda t: t["opportunity"][0].__setitem__("deadline", "31 March")
        ),
        "deadline",
    ),
    "nested too deeply": (lambda shipped: "setting = " + "[" * 100_000, "nests lists too deeply"),
    "too big": (lambda shipped: "#" * (CURRICULUM_FILE_MAX_BYTES + 1), "at most 4 MB"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_shows_its_error_and_changes_nothing(editor_client, shipped, case):
    make, message = BAD_FILES[case]
    before = curriculum_dump()

    response = upload(editor_client, make(shipped))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert message.split(":")[0] in response.content.decode().replace("&#x27;", "'")
    assert "digest" not in response.context
    assert curriculum_dump() == before


def test_a_confirm_without_a_preview_changes_nothing(editor_client, shipped):
    before = curriculum_dump()

    response = editor_client.post(IMPORT, {"digest": "0" * 64})

    assert response.status_code == 302
    assert curriculum_dump() == before


@pytest.mark.parametrize("url", [EXPORT, IMPORT])
def test_staff_without_the_curriculum_permissions_are_refused(staff, url):
    client = client_for(staff)

    assert client.get(url).status_code == 403
    assert client.post(url, {"digest": "x"}).status_code == 403


@pytest.mark.parametrize("url", [EXPORT, IMPORT])
@pytest.mark.parametrize("persona", ["physician", "visitor"])
def test_a_physician_or_visitor_is_sent_to_log_in(request, url, persona):
    user = request.getfixturevalue("physician") if persona == "physician" else None

    response = client_for(user).get(url)

    assert response.status_code == 302
    assert "login" in response.url


def test_the_admin_index_links_the_curriculum_file_for_editors_only(editor_client, staff):
    assert EXPORT in editor_client.get(reverse("admin:index")).content.decode()
    assert EXPORT not in client_for(staff).get(reverse("admin:index")).content.decode()


def test_the_loader_reads_a_full_date_as_the_deadline(tmp_path):
    (tmp_path / "o.toml").write_text(
        '[[opportunity]]\nslug = "o"\ntitle = "O"\nkind = "job"\nlisting = "real"\n'
        'organisation = "A clinic"\ndescription = "d"\nformat = "online"\n'
        'contact = "the clinic office"\ndeadline = 2031-02-03\n'
    )

    curriculum_load(folder=tmp_path)

    assert Opportunity.objects.get(slug="o").deadline == datetime.date(2031, 2, 3)


def test_a_descriptor_change_is_in_its_history_and_can_be_reverted(editor_client, shipped):
    competency = Competency.objects.first()
    level = competency.levels.get(level=2)
    original = level.descriptor
    url = reverse("admin:pathways_rubriclevel_change", args=[level.pk])
    data = admin_form_data(editor_client.get(url))
    data["descriptor"] = "Changed by an editor."

    assert editor_client.post(url, data).status_code == 302

    level.refresh_from_db()
    assert level.descriptor == "Changed by an editor."
    history = list(level.history.order_by("history_date"))
    assert [row.descriptor for row in history] == [original, "Changed by an editor."]
    assert history[-1].history_user is not None
    competency.refresh_from_db()
    assert competency.edited_locally

    first = history[0]
    revert = reverse("admin:pathways_rubriclevel_simple_history", args=[level.pk, first.history_id])
    page = editor_client.get(revert)
    assert page.status_code == 200
    form = page.context["adminform"].form
    old_version = {name: form[name].value() for name in form.fields}
    assert old_version["descriptor"] == original  # the page shows the version to go back to
    response = editor_client.post(revert, old_version)

    assert response.status_code == 302
    level.refresh_from_db()
    assert level.descriptor == original
    assert level.history.count() == 3


def test_a_descriptor_changed_in_the_competency_page_is_in_its_history(editor_client, shipped):
    competency = Competency.objects.first()
    url = reverse("admin:pathways_competency_change", args=[competency.pk])
    data = admin_form_data(editor_client.get(url))
    data["levels-0-descriptor"] = "Changed inline."

    assert editor_client.post(url, data).status_code == 302

    level = competency.levels.get(level=1)
    assert level.history.latest("history_date").descriptor == "Changed inline."
    assert (
        editor_client.get(
            reverse("admin:pathways_competency_history", args=[competency.pk])
        ).status_code
        == 200
    )


def test_a_reload_with_nothing_new_adds_no_history(shipped):
    versions = RubricLevel.history.count()

    curriculum_load()

    assert RubricLevel.history.count() == versions


def test_plain_staff_cannot_see_the_history(staff, shipped):
    level = RubricLevel.objects.first()
    url = reverse("admin:pathways_rubriclevel_history", args=[level.pk])

    assert client_for(staff).get(url).status_code == 403


def test_what_an_import_changes_is_marked_edited_so_the_next_deploy_keeps_it(
    editor_client, shipped
):
    tables = tomllib.loads(shipped)
    item = tables["domain"][0]["competency"][0]
    item["levels"][2] = "The editor's own level 3."
    untouched = tables["domain"][0]["competency"][1]["slug"]
    confirm(editor_client, upload(editor_client, tomli_w.dumps(tables)))

    curriculum_load()  # the shipped files, as a deploy loads them

    competency = Competency.objects.get(slug=item["slug"])
    assert competency.edited_locally
    assert competency.levels.get(level=3).descriptor == "The editor's own level 3."
    assert not Competency.objects.get(slug=untouched).edited_locally


def test_the_mark_of_an_edit_in_admin_goes_out_and_back_in(editor_client, shipped):
    Setting.objects.filter(pk=Setting.objects.first().pk).update(edited_locally=True)
    before = curriculum_dump()
    exported = editor_client.get(EXPORT).content
    assert b"edited_locally = true" in exported

    curriculum_empty()
    confirm(editor_client, upload(editor_client, exported))

    assert curriculum_dump() == before
