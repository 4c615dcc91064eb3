"""The email log in admin: every email, its status and its last error, so a failure is
never silent; and each user's preferences and schedule."""

from django.contrib import admin

from .models import EmailLog, EmailStatus, NotificationPreferences


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to_email", "kind", "period_key", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["to_email", "user__email", "subject", "period_key"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in EmailLog._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Send the selected failed or unknown emails again")
    def send_again(self, request, queryset):
        from .services import email_logs_send_after_commit

        ids = list(
            queryset.filter(status__in=(EmailStatus.FAILED, EmailStatus.UNKNOWN)).values_list(
                "pk", flat=True
            )
        )
        EmailLog.objects.filter(pk__in=ids).update(
            status=EmailStatus.RETRYING, next_attempt_at=None, attempts=0
        )
        email_logs_send_after_commit(ids)
        self.message_user(request, f"{len(ids)} email(s) queued again.")


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "digest_frequency", "next_digest_at", "next_reminders_at"]
    list_filter = ["digest_frequency", "digest_weekday"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["next_digest_at", "next_reminders_at", "last_digest_at"]
