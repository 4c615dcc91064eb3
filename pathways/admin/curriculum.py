"""Django admin is the curriculum editors' tool."""

from django.contrib import admin
from django.db.models import Count
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from cmo_portal.admin_inlines import LabelledTabularInline
from pathways.models.curriculum import (
    Competency,
    CompetencyDomain,
    Pathway,
    PathwayCompetency,
    PathwayEducation,
    PathwayStep,
    ProficiencyLevel,
    RoleKind,
    RubricLevel,
    Setting,
)
from pathways.models.opportunities import LearningModule, Opportunity
from pathways.services.curriculum import curriculum_cache_drop

from .lessons import LESSON_INLINES, lesson_preview


class CacheDroppingAdmin(admin.ModelAdmin):
    """A save or delete in admin shows on the cached public pages at once."""

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)  # after the row and inlines
        curriculum_cache_drop()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        curriculum_cache_drop()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        curriculum_cache_drop()


class HistoryAdmin(SimpleHistoryAdmin, CacheDroppingAdmin):
    """Every saved version in History, where an editor can revert to one. A revert
    saves the row (save_model) but not its inlines, so the cache is dropped here."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST":
            curriculum_cache_drop()
        return response


class CurriculumAdmin(CacheDroppingAdmin):
    """Saving in admin marks the row as edited, so the shipped curriculum no longer
    overwrites it (see CurriculumItem.edited_locally)."""

    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        if "edited_locally" not in form.changed_data:
            obj.edited_locally = True
        super().save_model(request, obj, form, change)


@admin.register(Setting)
class SettingAdmin(CurriculumAdmin):
    list_display = ["name", "order", "pathway_count", "edited_locally"]
    list_editable = ["order"]
    search_fields = ["name", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_pathways=Count("pathways"))

    @admin.display(description="Pathways", ordering="_pathways")
    def pathway_count(self, setting: Setting) -> int:
        return setting._pathways  # type: ignore[attr-defined]  # annotated in get_queryset


@admin.register(RoleKind)
class RoleKindAdmin(CurriculumAdmin):
    list_display = ["name", "summary", "order", "edited_locally"]
    list_editable = ["order"]
    search_fields = ["name", "summary"]


@admin.register(ProficiencyLevel)
class ProficiencyLevelAdmin(CacheDroppingAdmin):
    list_display = ["number", "name", "summary"]
    ordering = ["number"]


class RubricLevelInline(LabelledTabularInline):
    model = RubricLevel
    extra = 0
    min_num = 1
    ordering = ["level"]


@admin.register(CompetencyDomain)
class CompetencyDomainAdmin(CurriculumAdmin):
    list_display = ["name", "source", "order", "competency_count", "edited_locally"]
    list_editable = ["order"]
    search_fields = ["name", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_competencies=Count("competencies"))

    @admin.display(description="Competencies", ordering="_competencies")
    def competency_count(self, domain: CompetencyDomain) -> int:
        return domain._competencies  # type: ignore[attr-defined]  # annotated in get_queryset


@admin.register(RubricLevel)
class RubricLevelAdmin(HistoryAdmin):
    """Descriptors one by one, for their history: each change is kept and can be
    reverted. Saving one here, or reverting it, marks its competency as edited, so the
    shipped curriculum no longer overwrites it."""

    list_display = ["competency", "level", "descriptor"]
    list_filter = ["level", "competency__domain"]
    list_select_related = ["competency"]
    search_fields = ["competency__name", "descriptor"]
    autocomplete_fields = ["competency"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        Competency.objects.filter(pk=obj.competency_id).update(edited_locally=True)


@admin.register(Competency)
class CompetencyAdmin(HistoryAdmin, CurriculumAdmin):
    list_display = ["name", "domain", "order", "level_count", "edited_locally"]
    list_filter = ["domain", "edited_locally"]
    list_select_related = ["domain"]
    search_fields = ["name", "description", "levels__descriptor"]
    inlines = [RubricLevelInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_levels=Count("levels"))

    @admin.display(description="Rubric levels", ordering="_levels")
    def level_count(self, competency: Competency) -> int:
        return competency._levels  # type: ignore[attr-defined]  # annotated in get_queryset


class PathwayStepInline(LabelledTabularInline):
    model = PathwayStep
    extra = 0
    fields = ["order", "title", "years_min", "years_max", "description"]


class PathwayEducationInline(LabelledTabularInline):
    model = PathwayEducation
    extra = 0


class PathwayCompetencyInline(LabelledTabularInline):
    model = PathwayCompetency
    extra = 0
    autocomplete_fields = ["competency"]
    ordering = ["competency__domain__order", "competency__order"]


@admin.register(Pathway)
class PathwayAdmin(CurriculumAdmin):
    prepopulated_fields = {"slug": ("title",)}
    list_display = [
        "title",
        "setting",
        "role_kind",
        "years_clinical_min",
        "years_clinical_max",
        "earliest_stage",
        "edited_locally",
    ]
    list_filter = ["setting", "role_kind", "earliest_stage", "latest_stage", "edited_locally"]
    list_select_related = ["setting", "role_kind"]
    search_fields = ["title", "summary", "responsibilities"]
    inlines = [PathwayStepInline, PathwayEducationInline, PathwayCompetencyInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "setting", "role_kind", "summary"]}),
        ("The role", {"fields": ["responsibilities", "compensation"]}),
        (
            "Who it suits",
            {
                "fields": [
                    ("years_clinical_min", "years_clinical_max"),
                    ("earliest_stage", "latest_stage"),
                    "education_note",
                ]
            },
        ),
        ("Curriculum", {"fields": ["edited_locally", "created_at", "updated_at"]}),
    ]


@admin.register(LearningModule)
class LearningModuleAdmin(CurriculumAdmin):
    prepopulated_fields = {"slug": ("title",)}
    list_display = [
        "title",
        "kind",
        "delivery",
        "format",
        "effort_hours",
        "earliest_stage",
        "latest_stage",
        "leads_to",
        "edited_locally",
    ]
    list_filter = [
        "delivery",
        "kind",
        "format",
        "earliest_stage",
        "latest_stage",
        "leads_to",
        "competencies__domain",
        "edited_locally",
    ]
    search_fields = ["title", "objective", "description", "provider"]
    filter_horizontal = ["competencies"]
    readonly_fields = [*CurriculumAdmin.readonly_fields, "preview"]
    inlines = LESSON_INLINES
    fieldsets = [
        (None, {"fields": ["title", "slug", "objective", "description"]}),
        ("How it runs", {"fields": ["kind", "format", "effort_hours"]}),
        (
            "Where it is taken",
            {
                "fields": ["delivery", "preview", "provider", "how_to_find", "url"],
                "description": "A lesson on this site has its sections, reflection questions "
                "and self-check below. A module taken elsewhere says who provides it and how "
                "to find a provider; it is never shown as the site's own.",
            },
        ),
        ("Who it suits", {"fields": [("earliest_stage", "latest_stage"), "leads_to"]}),
        ("What it builds", {"fields": ["competencies"]}),
        ("Curriculum", {"fields": ["edited_locally", "created_at", "updated_at"]}),
    ]

    def get_urls(self):
        preview = self.admin_site.admin_view(lambda request, pk: lesson_preview(self, request, pk))
        return [
            path("<int:pk>/preview/", preview, name="pathways_learningmodule_preview"),
            *super().get_urls(),
        ]

    @admin.display(description="Lesson preview")
    def preview(self, module: LearningModule) -> str:
        if not module.pk or not module.is_lesson:
            return "For a lesson on this site, once saved."
        return format_html(
            '<a href="{}">Preview the lesson as saved</a>',
            reverse("admin:pathways_learningmodule_preview", args=[module.pk]),
        )


@admin.register(Opportunity)
class OpportunityAdmin(CurriculumAdmin):
    prepopulated_fields = {"slug": ("title",)}
    list_display = [
        "title",
        "kind",
        "listing",
        "organisation",
        "format",
        "is_remote",
        "deadline",
        "earliest_stage",
        "latest_stage",
        "edited_locally",
    ]
    list_filter = [
        "listing",
        "kind",
        "format",
        "is_remote",
        "earliest_stage",
        "latest_stage",
        "edited_locally",
    ]
    search_fields = ["title", "organisation", "description", "location"]
    date_hierarchy = "deadline"
    filter_horizontal = ["pathways", "competencies"]
