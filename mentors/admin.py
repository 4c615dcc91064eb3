"""Staff review mentor applications here, and can see mentorships, comments and reviews."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path

from cmo_portal.accounts.admin import PersonalRecordsAdmin
from cmo_portal.accounts.models import FORMER_MENTOR, DataKind, name_or_former
from cmo_portal.admin_inlines import LabelledTabularInline
from mentors.selectors.endings import mentoring_figures
from mentors.services.profiles import mentor_application_review

from .models.agreements import MentoringFigures
from .models.feedback import PlanComment, PlanReview
from .models.mentorships import Mentorship, MentorshipStatus
from .models.profiles import ApplicationStatus, MentorProfile, TeachableCompetency


class TeachableCompetencyInline(LabelledTabularInline):
    model = TeachableCompetency
    extra = 0
    autocomplete_fields = ["competency"]


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "headline",
        "status",
        "capacity",
        "active_mentees",
        "accepting_requests",
        "usual_response_hours",
        "created_at",
    ]
    list_filter = ["status", "accepting_requests", "settings_known", "offers_in_person"]
    search_fields = ["user__email", "user__profile__full_name", "headline", "current_role"]
    list_select_related = ["user__profile"]
    filter_horizontal = ["settings_known", "pathways_known"]
    readonly_fields = ["user", "usual_response_hours", "reviewed_at", "reviewed_by", "created_at"]
    inlines = [TeachableCompetencyInline]
    actions = ["approve", "reject"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _active=Count("mentorships", filter=Q(mentorships__status=MentorshipStatus.ACTIVE))
            )
        )

    @admin.display(description="Active mentees", ordering="_active")
    def active_mentees(self, profile: MentorProfile) -> int:
        return profile._active  # type: ignore[attr-defined]  # annotated in get_queryset

    def has_add_permission(self, request) -> bool:
        return False  # people apply on the site, from their own account

    def save_model(self, request, obj, form, change) -> None:
        """Approving or rejecting on the change form records who did it and emails the
        applicant, as the list actions do."""
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data and obj.status != ApplicationStatus.PENDING:
            mentor_application_review(
                profile=obj,
                reviewer=request.user,
                approve=obj.status == ApplicationStatus.APPROVED,
                note=obj.review_note,
            )

    @admin.action(description="Approve the selected applications (the applicants are emailed)")
    def approve(self, request, queryset):
        count = 0
        for profile in queryset.exclude(status=ApplicationStatus.APPROVED):
            mentor_application_review(profile=profile, reviewer=request.user, approve=True)
            count += 1
        self.message_user(request, f"Approved {count} application(s).", messages.SUCCESS)

    @admin.action(
        description="Reject the selected applications (write the reason in each review "
        "note first; the applicants are emailed)"
    )
    def reject(self, request, queryset):
        count = 0
        for profile in queryset.exclude(status=ApplicationStatus.REJECTED):
            mentor_application_review(
                profile=profile, reviewer=request.user, approve=False, note=profile.review_note
            )
            count += 1
        self.message_user(request, f"Rejected {count} application(s).", messages.SUCCESS)


@admin.register(Mentorship)
class MentorshipAdmin(PersonalRecordsAdmin):
    """Read-only: mentorships change only through their own pages, which check and email."""

    person = "mentee"
    what = DataKind.MENTORSHIP

    list_display = ["mentee", "mentor_name", "status", "requested_at", "responded_at", "ended_at"]
    list_filter = ["status"]
    search_fields = ["mentee__email", "mentor__user__email", "mentor__user__profile__full_name"]
    list_select_related = ["mentee", "mentor__user__profile"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Mentor", ordering="mentor__user__profile__full_name")
    def mentor_name(self, mentorship: Mentorship) -> str:
        return name_or_former(mentorship.mentor, former=FORMER_MENTOR)


@admin.register(PlanComment)
class PlanCommentAdmin(PersonalRecordsAdmin):
    person = "plan__owner"
    what = DataKind.PLAN
    list_display = ["__str__", "plan", "author_name", "created_at"]
    search_fields = ["body", "author__email"]
    list_select_related = ["plan__owner", "plan__pathway", "author__profile"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Author", ordering="author__email")
    def author_name(self, comment: PlanComment) -> str:
        return name_or_former(comment.author)


@admin.register(PlanReview)
class PlanReviewAdmin(PersonalRecordsAdmin):
    person = "plan__owner"
    what = DataKind.PLAN
    list_display = ["plan", "outcome", "created_at"]
    list_filter = ["outcome"]
    list_select_related = ["plan__owner", "plan__pathway"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- Aggregate figures on mentoring (issue 19, part A) -------------------------------

FIGURES_PERMISSION = "mentors.view_mentoringfigures"


@admin.register(MentoringFigures)
class MentoringFiguresAdmin(admin.ModelAdmin):
    """One page of totals: mentorships started, active, ended, their average length and
    what the end feedback said. Seen with its own permission (FIGURES_PERMISSION), never by
    being staff; it names no one, so it is not logged. No row of its own is ever shown:
    the page has no change, add or delete views."""

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm(FIGURES_PERMISSION)

    def has_view_permission(self, request, obj=None) -> bool:
        return obj is None and request.user.has_perm(FIGURES_PERMISSION)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="{}_{}_changelist".format(*info),
            )
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Mentoring figures",
            "opts": self.opts,
            "figures": mentoring_figures(),
        }
        return TemplateResponse(request, "admin/mentors/mentoring_figures.html", context)
