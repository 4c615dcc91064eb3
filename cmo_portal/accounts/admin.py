from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import Profile, User
from .services import LAST_SUPERUSER_REFUSAL, account_delete, is_last_superuser


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


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
    inlines = [ProfileInline]
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
class ProfileAdmin(admin.ModelAdmin):
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
