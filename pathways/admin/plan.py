"""Career plans in admin: the physicians' own, shown to support as a record."""

from django.contrib import admin

from cmo_portal.accounts.admin import PersonalRecordsAdmin
from cmo_portal.accounts.models import DataKind
from cmo_portal.admin_inlines import LabelledTabularInline
from pathways.models.plan import CareerPlan, PlanGoal

_GOAL_FIELDS = ("section", "title", "status", "due_date", "target_level", "edited")


class PlanGoalInline(LabelledTabularInline):
    model = PlanGoal
    extra = 0
    can_delete = False
    fields = _GOAL_FIELDS
    readonly_fields = _GOAL_FIELDS

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CareerPlan)
class CareerPlanAdmin(PersonalRecordsAdmin):
    person = "owner"
    what = DataKind.PLAN
    list_display = ["owner", "pathway", "status", "generated_at", "updated_at"]
    list_filter = ["status", "pathway"]
    search_fields = ["owner__email", "pathway__title"]
    list_select_related = ["owner", "pathway"]
    readonly_fields = ["owner", "pathway", "generated_at", "created_at", "updated_at"]
    exclude = ["calendar_token", "dismissed_keys"]
    inlines = [PlanGoalInline]

    def has_add_permission(self, request) -> bool:
        return False
