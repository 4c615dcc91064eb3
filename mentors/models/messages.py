"""The private message thread of a mentorship, between its mentee and its mentor."""

from django.conf import settings
from django.db import models

from cmo_portal import clock

from .mentorships import Mentorship

# The longest message; a longer one is refused with what was typed kept.
MESSAGE_MAX_LENGTH = 4000


class Message(models.Model):
    """One message in a mentorship's thread. Each has one reader, the other participant:
    `read_at` is when they read it, `emailed_at` when it went out in an email of new
    messages (one email per burst, mentors/services/messages.py). The rows go with the
    mentorship; a participant who deletes their account leaves their messages to the other,
    from "a former member"."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["mentorship", "created_at"], name="message_thread"),
            models.Index(fields=["recipient", "read_at"], name="message_unread"),
        ]

    def __str__(self) -> str:
        return self.body[:60]
