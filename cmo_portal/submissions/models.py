from django.conf import settings
from django.db import models


class SubmittedForm(models.Model):
    """A creating form that was sent: its one-time token, unique, so the same form sent
    twice (a double click, Back and send again) has one effect. The row is inserted in
    the same transaction as the effect; `leads_to` is where the first sending went, for
    the answer to a second."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submitted_forms"
    )
    submitted_at = models.DateTimeField(db_index=True)
    leads_to = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "submitted form"
        verbose_name_plural = "submitted forms"

    def __str__(self) -> str:
        return f"Form sent by {self.user_id} at {self.submitted_at:%Y-%m-%d %H:%M}"
