from typing import cast

from django import forms

from cmo_portal.time_zones import time_zone_names

from .models import NoticeChoice, NotificationPreferences, Topic, topic_field

# The per-topic choices, in the order the page lists them.
TOPIC_FIELDS = [topic_field(topic) for topic in Topic]


class PreferencesForm(forms.ModelForm):
    # The person's one time zone, their profile's: the same field as on the profile page.
    # Left out for someone without a profile yet (their emails use UTC until then).
    time_zone = forms.ChoiceField(
        choices=[(name, name) for name in time_zone_names()],
        help_text="Your digest and reminders arrive at about 8:00 here, and the site shows "
        "times in it. It is the time zone of your profile.",
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
            "mentoring_emails",
            "action_reminders",
            "reassessment_reminders",
            "reassessment_months",
            "request_reminders",
            "plan_nudges",
            *TOPIC_FIELDS,
        ]
        widgets = {"digest_frequency": forms.RadioSelect}

    def __init__(self, *args, time_zone: str | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in TOPIC_FIELDS:
            field = cast(forms.ChoiceField, self.fields[name])
            field.widget = forms.RadioSelect(choices=NoticeChoice.choices)
            field.required = False  # left out of a form: kept as it was
        if time_zone is None:
            del self.fields["time_zone"]
        else:
            self.fields["time_zone"].initial = time_zone

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for name in TOPIC_FIELDS:
            if not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name)
        return cleaned
