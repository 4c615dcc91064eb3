"""The email log in admin: every email, its status and its last error, so a failure is
never silent; and each user's preferences and schedule.

No admin page shows an email's message. An account email's holds a confirmation or
password-reset link, as good as a key to that account while it waits to be sent; every
other one holds a person's plan, mentoring or an unsubscribe link, which staff do not see
by being staff. What the log shows (to, kind, subject, status, times, error) is enough to
follow a failure."""

from django.contrib import admin, messages

from cmo_portal.time_zones import time_zone_of

from . import queue
from .models import EmailLog, EmailStatus, NotificationPreferences, UndeliverableAddress

# Every column but the id and the payload, and what `message` says of the payload; all
# read only.
EMAIL_LOG_SHOWN = (
    *(f.name for f in EmailLog._meta.fields if f.name not in ("id", "payload")),
    "message",
)


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to_email", "kind", "period_key", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["to_email", "user__email", "subject", "period_key"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
    fields = EMAIL_LOG_SHOWN
    readonly_fields = EMAIL_LOG_SHOWN
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="message")
    def message(self, obj: EmailLog) -> str:
        if obj.message_kept:
            return "Kept until it is sent, and not shown here."
        return "Removed: only the details above are kept."

    @admin.action(description="Send the selected failed or unknown emails again")
    def send_again(self, request, queryset):
        final = queryset.filter(status__in=(EmailStatus.FAILED, EmailStatus.UNKNOWN))
        ids = list(final.message_kept().values_list("pk", flat=True))
        removed = final.message_removed().count()
        EmailLog.objects.filter(pk__in=ids).update(
            status=EmailStatus.RETRYING, next_attempt_at=None, attempts=0
        )
        queue.email_logs_send_after_commit(ids)
        self.message_user(request, f"{len(ids)} email(s) queued again.")
        if removed:
            self.message_user(
                request,
                f"{removed} email(s) cannot be sent again: their message was removed from "
                "the log. An account email's link is never kept once it has been sent or "
                "has failed; ask the person to request a new one (a new confirmation "
                "email, or a password reset).",
                level=messages.WARNING,
            )


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "digest_frequency", "next_digest_at", "next_reminders_at"]
    list_filter = ["digest_frequency", "digest_weekday"]
    search_fields = ["user__email"]
    list_select_related = ["user__profile"]
    raw_id_fields = ["user"]
    readonly_fields = ["next_digest_at", "next_reminders_at", "last_digest_at"]

    @admin.display(description="time zone (the profile's)")
    def time_zone(self, prefs: NotificationPreferences) -> str:
        return time_zone_of(prefs.user)


@admin.register(UndeliverableAddress)
class UndeliverableAddressAdmin(admin.ModelAdmin):
    """The addresses the outbox sends nothing to, from the provider's reports (bounces.py).
    Once the person has fixed their mailbox, support deletes the row (admin asks first)
    and the outbox sends to it again; their skipped emails are not sent again."""

    list_display = ["email", "reason", "provider", "events", "first_seen_at", "last_seen_at"]
    list_filter = ["reason", "provider", "last_seen_at"]
    search_fields = ["email", "user__email", "detail"]
    list_select_related = ["user"]
    date_hierarchy = "last_seen_at"
    readonly_fields = [f.name for f in UndeliverableAddress._meta.fields if f.name != "id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
