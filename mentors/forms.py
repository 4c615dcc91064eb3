"""Forms for mentors: they validate and clean; the views hand cleaned_data to services."""

from typing import cast

from django import forms
from django.utils.text import capfirst

from cmo_portal import clock
from cmo_portal.time_zones import time_zone_names
from pathways.models.curriculum import (
    Competency,
    Pathway,
    ProficiencyLevel,
    Setting,
)
from pathways.models.plan import PlanGoal

from .models.agreements import Cadence, Helped, Side
from .models.feedback import ReviewOutcome
from .models.profiles import LANGUAGE_CHOICES, MeetingFormat, MentorProfile

FORMAT_FIELDS = [f.field_name for f in MeetingFormat]


class MentorProfileForm(forms.ModelForm):
    """The application and the profile. Each competency the mentor can teach has a level
    field (`teach_<id>`): empty means "I do not teach this"."""

    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
        error_messages={"required": "Choose at least one language you mentor in."},
    )
    time_zone = forms.ChoiceField(
        choices=[("", "Choose your time zone")] + [(name, name) for name in time_zone_names()],
    )

    class Meta:
        model = MentorProfile
        fields = [
            "headline",
            "current_role",
            "bio",
            "past_roles",
            "settings_known",
            "pathways_known",
            "capacity",
            "time_zone",
            *FORMAT_FIELDS,
            "languages",
            "accepting_requests",
            "pause_note",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "past_roles": forms.Textarea(attrs={"rows": 3}),
            "settings_known": forms.CheckboxSelectMultiple,
            "pathways_known": forms.CheckboxSelectMultiple,
        }
        labels = {"pause_note": "Why requests are paused (shown on your profile)"}

    def __init__(self, *args, teaches: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = list(Competency.objects.select_related("domain"))
        levels = list(ProficiencyLevel.objects.values_list("number", "name"))
        choices = [("", "I do not teach this")] + [
            (str(n), f"Up to {n}: {name}") for n, name in levels
        ]
        teaches = teaches or {}
        for competency in self.competencies:
            self.fields[f"teach_{competency.pk}"] = forms.TypedChoiceField(
                label=competency.name,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(teaches[competency.pk]) if competency.pk in teaches else "",
            )

    def teach_fields(self):
        """(domain, [bound fields]) in the library's order, for the template."""
        groups: dict = {}
        for competency in self.competencies:
            groups.setdefault(competency.domain, []).append(self[f"teach_{competency.pk}"])
        return list(groups.items())

    def profile_fields(self):
        return [self[name] for name in self.Meta.fields]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in FORMAT_FIELDS):
            self.add_error(FORMAT_FIELDS[0], "Choose at least one way of meeting your mentees.")
        if not self.teaches():
            raise forms.ValidationError("Choose at least one competency you can teach.")
        return cleaned

    def teaches(self) -> dict[int, int]:
        return {
            c.pk: self.cleaned_data[f"teach_{c.pk}"]
            for c in self.competencies
            if self.cleaned_data.get(f"teach_{c.pk}")
        }


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or role", required=False, max_length=100)
    setting = forms.ModelChoiceField(
        Setting.objects.all(), to_field_name="slug", required=False, empty_label="Any setting"
    )
    pathway = forms.ModelChoiceField(
        Pathway.objects.all(), to_field_name="slug", required=False, empty_label="Any pathway"
    )
    competency = forms.ModelChoiceField(
        Competency.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any competency",
        label="Teaches",
    )
    room = forms.BooleanField(label="Only mentors taking requests now", required=False)


class SuggestionFilterForm(forms.Form):
    pathway = forms.SlugField(required=False, widget=forms.HiddenInput)
    formats = forms.MultipleChoiceField(
        label="Ways of meeting that work for you",
        choices=[(f.value, capfirst(f.label)) for f in MeetingFormat],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class MentorshipRequestForm(forms.Form):
    message = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=20,
        max_length=3000,
        help_text="Say where you are, where you want to go, and what you hope to get from "
        "this mentor. At least 20 characters.",
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=PlanGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Goals you would like help with",
        help_text="From your career plans. The mentor sees them with your request.",
    )
    keep_other_requests = forms.BooleanField(
        label="If this mentor accepts, keep my other requests open",
        required=False,
        help_text="Left unticked, your other waiting requests are withdrawn when this "
        "mentor accepts, and those mentors are told at once that you found a mentor.",
    )

    def __init__(self, *args, mentee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = (
            PlanGoal.objects.not_removed()
            .filter(plan__owner=mentee)
            .select_related("plan__pathway")
            .plan_by_plan()
        )
        self.fields["goals"].label_from_instance = lambda g: f"{g.title} ({g.plan.pathway.title})"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="What would you like to know?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer", max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )


class PauseForm(forms.Form):
    accepting = forms.TypedChoiceField(
        choices=[("1", "Taking requests"), ("0", "Paused")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="Why (optional)", required=False, max_length=160)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    goal = forms.IntegerField(required=False, widget=forms.HiddenInput)
    action = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your conclusion", choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="Summary for your mentee",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- The agreement and the end feedback (issue 19, part A) ---------------------------

DEFAULT_CONFIDENTIALITY = (
    "What we say in our meetings and messages stays between us. Either of us may share "
    "what we learned in general terms, never who said it or about whom."
)


class AgreementForm(forms.Form):
    goals = forms.ModelMultipleChoiceField(
        queryset=PlanGoal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Goals to work on together",
        help_text="From the mentee's career plans.",
        error_messages={"required": "Choose at least one goal to work on together."},
    )
    cadence = forms.ChoiceField(label="How often you meet", choices=Cadence.choices)
    meeting_format = forms.ChoiceField(
        label="How you meet", choices=[(f.value, capfirst(f.label)) for f in MeetingFormat]
    )
    confidentiality = forms.CharField(
        label="What stays between you",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ends_on = forms.DateField(
        label="End date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When you will look back and decide to end or go on.",
    )

    def __init__(self, *args, mentee, **kwargs):
        super().__init__(*args, **kwargs)
        goals = self.fields["goals"]
        goals.queryset = (
            PlanGoal.objects.not_removed()
            .filter(plan__owner=mentee)
            .select_related("plan__pathway")
            .plan_by_plan()
        )
        goals.label_from_instance = lambda g: f"{g.title} ({g.plan.pathway.title})"

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on <= clock.today():
            raise forms.ValidationError("Choose an end date after today.")
        return ends_on


class AgreementConfirmForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=32767, widget=forms.HiddenInput)


class EndFeedbackForm(forms.Form):
    helped = forms.ChoiceField(
        label="Did the mentorship help you?", choices=Helped.choices, widget=forms.RadioSelect
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=PlanGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="On which goals did it help?",
    )
    would_again = forms.TypedChoiceField(
        label="Would you do it again?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything else (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_on_profile = forms.BooleanField(
        label="Show my answers and comment on my mentor's profile, without my name",
        required=False,
        help_text="You can take this back later on this page.",
    )

    def __init__(self, *args, side: str, goals: list[PlanGoal], **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["goals"])
        # The choices are the mentorship's goals, read once; the queryset only validates.
        field.queryset = PlanGoal.objects.filter(pk__in=[goal.pk for goal in goals])
        field.choices = [(goal.pk, goal.title) for goal in goals]
        if not goals:
            del self.fields["goals"]
        if side == Side.MENTOR:
            del self.fields["show_on_profile"]
            self.fields["helped"].label = "Did the mentorship go as you hoped?"
            self.fields["would_again"].label = "Would you mentor this person again?"
        else:
            self.fields["would_again"].label = "Would you choose this mentor again?"
