from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .access import SUPPORT_PERMISSION, user_can_view_data_of
from .models import DataKind, Profile, User
from .services import LAST_SUPERUSER_REFUSAL, account_delete, is_last_superuser


class PersonalRecordsAdmin(admin.ModelAdmin):
    """A person's own records in the admin (their profile, plans, assessments, ratings,
    mentorships): seen through the support permission, which superusers hold, never by
    being staff; every page is logged for each person it shows, as on the site, through
    the one access rule. `person` is the path to the person (`"owner"`,
    `"plan__owner"`); `what` is what of their data the page shows."""

    person: str
    what: DataKind

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm(SUPPORT_PERMISSION) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(SUPPORT_PERMISSION) and super().has_view_permission(
            request, obj
        )

    def person_of(self, obj) -> User | None:
        for name in self.person.split("__"):
            obj = getattr(obj, name, None)
        return obj

    def _log_views(self, request, objects) -> None:
        for obj in objects:
            if (person := self.person_of(obj)) is not None:
                user_can_view_data_of(request.user, person, what=self.what)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            self._log_views(request, changelist.result_list)
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if original is not None:
            self._log_views(request, [original])
        return response


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    # The profile (career stage, specialty, role) is the person's data: ProfileAdmin,
    # through the support permission.
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "profile__full_name"]
    list_select_related = ["profile"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    def has_delete_permission(self, request, obj: User | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (
            obj is not None and is_last_superuser(obj)
        )

    def delete_model(self, request, obj: User) -> None:
        """Deleting someone in admin is the same deletion as their own: what they left
        on other people's records is kept, anonymised, and mentions are scrubbed."""
        account_delete(user_id=obj.pk)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            if is_last_superuser(user):
                self.message_user(request, f"{LAST_SUPERUSER_REFUSAL}", messages.ERROR)
                continue
            account_delete(user_id=user.pk)

    @admin.display(description="Name", ordering="profile__full_name")
    def full_name(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return profile.full_name if profile else ""


@admin.register(Profile)
class ProfileAdmin(PersonalRecordsAdmin):
    person = "user"
    what = DataKind.PROFILE
    list_display = [
        "full_name",
        "user",
        "career_stage",
        "specialty",
        "organisation_type",
        "country",
    ]
    list_filter = ["career_stage", "organisation_type"]
    search_fields = ["full_name", "user__email", "specialty", "current_role"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
