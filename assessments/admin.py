"""Assessments in admin are a record, read-only: submitted ratings never change."""

from django.contrib import admin

from cmo_portal.accounts.admin import PersonalRecordsAdmin
from cmo_portal.accounts.models import FORMER_MENTOR, DataKind, name_or_former

from .models import NeedsAssessment, Rating, RatingSet, TargetPathway


class ReadOnlyAdmin(PersonalRecordsAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TargetPathwayInline(ReadOnlyInline):
    model = TargetPathway


@admin.register(NeedsAssessment)
class NeedsAssessmentAdmin(ReadOnlyAdmin):
    person = "user"
    what = DataKind.ASSESSMENT
    list_display = ["user", "started_at", "completed_at", "step_reached", "career_stage"]
    list_filter = ["career_stage", ("completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "specialty"]
    list_select_related = ["user"]
    inlines = [TargetPathwayInline]


class RatingInline(ReadOnlyInline):
    model = Rating
    fields = ["competency", "level", "evidence"]
    ordering = ["competency__domain__order", "competency__order"]


@admin.register(RatingSet)
class RatingSetAdmin(ReadOnlyAdmin):
    person = "subject"
    what = DataKind.RATINGS
    list_display = ["subject", "rater_name", "rater_role", "submitted_at", "created_at"]
    list_filter = ["rater_role", ("submitted_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject__email", "rater__email"]
    list_select_related = ["subject", "rater__profile"]
    inlines = [RatingInline]

    @admin.display(description="Rater", ordering="rater__email")
    def rater_name(self, rating_set: RatingSet) -> str:
        return name_or_former(rating_set.rater, former=FORMER_MENTOR)
