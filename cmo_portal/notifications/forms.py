from django import forms

from cmo_portal.accounts.models import time_zone_names

from .models import NotificationPreferences


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=[(name, name) for name in time_zone_names()],
        help_text="Your digest and reminders arrive at about 8:00 here.",
    )
    reassessment_months = forms.TypedChoiceField(
        label="Remind me to reassess every",
        choices=[("", "The default for my career stage")]
        + [(str(n), f"{n} months") for n in (3, 6, 9, 12, 18, 24)],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = NotificationPreferences
        fields = [
            "digest_frequency",
            "digest_weekday",
            "time_zone",
            "mentoring_emails",
            "action_reminders",
            "reassessment_reminders",
            "reassessment_months",
            "request_reminders",
            "plan_nudges",
        ]
        widgets = {"digest_frequency": forms.RadioSelect}
