"""The form of a mentorship's message thread."""

from django import forms

from .models.messages import MESSAGE_MAX_LENGTH


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the two of you read the thread.",
    )
