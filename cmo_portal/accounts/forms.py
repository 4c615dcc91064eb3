from django import forms

from cmo_portal.time_zones import time_zone_names

from .models import Intent, Profile


def _time_zone_choices() -> list[tuple[str, str]]:
    return [("", "Choose your time zone")] + [
        (tz, tz.replace("_", " ")) for tz in time_zone_names()
    ]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=_time_zone_choices,
        help_text="Reminders and digests arrive at your local time.",
        # static/js/time-zone.js preselects the browser's zone while this is empty.
        widget=forms.Select(attrs={"data-guess-time-zone": "true"}),
    )

    class Meta:
        model = Profile
        fields = [
            "full_name",
            "intent",
            "career_stage",
            "specialty",
            "years_since_residency",
            "current_role",
            "organisation_type",
            "country",
            "time_zone",
        ]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "years_since_residency": forms.NumberInput(attrs={"min": 0, "max": 60}),
            "current_role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "country": forms.Select(attrs={"autocomplete": "country-name"}),
            "intent": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Physicians who say nothing are here to grow; the choice is never a hurdle.
        self.fields["intent"].required = False

    def clean_intent(self) -> str:
        return self.cleaned_data.get("intent") or Intent.GROW


class AccountDeleteForm(forms.Form):
    """The confirmation that deleting the account is meant: the person types their own
    email address."""

    email = forms.CharField(
        label="Type your email address to confirm",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Deleting cannot be undone.",
        error_messages={
            "required": "Type your email address to confirm. Nothing has been deleted."
        },
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError(
                "That is not your email address, so nothing has been deleted. Type "
                f"{self.user.email} to confirm."
            )
        return email


class VerificationResendForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={"required": "Type the address you signed up with."},
    )
