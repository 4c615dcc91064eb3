"""The career plan's forms: a goal, an action, the plan's status, a move, a new plan, a
one-click button's version, the day a role accepted starts.
They validate; the views hand what they cleaned to pathways.services."""

import datetime
from typing import cast

from django import forms
from django.utils.formats import date_format

from cmo_portal import clock
from pathways.models.curriculum import Pathway, validate_on_scale
from pathways.models.plan import (
    CareerPlan,
    PlanAction,
    PlanGoal,
    PlanStatus,
)


class VersionedForm(forms.ModelForm):
    """Carries the version the editor started from, so a save can tell that someone
    else (another tab, another device) saved first."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, plan: CareerPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        earliest, latest = plan.due_date_range()
        self.fields["due_date"].widget.attrs.update(
            {"min": earliest.isoformat(), "max": latest.isoformat()}
        )
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
        if not self.instance.pk:
            self.fields["version"].required = False

    def clean_due_date(self) -> datetime.date | None:
        due = self.cleaned_data.get("due_date")
        if due is None or "due_date" not in self.changed_data:
            return due
        earliest, latest = self.plan.due_date_range()
        if not earliest <= due <= latest:
            raise forms.ValidationError(
                f"Choose a due date between {date_format(earliest, 'j F Y')} (when this plan "
                f"was made) and {date_format(latest, 'j F Y')}."
            )
        return due


class GoalForm(VersionedForm):
    class Meta:
        model = PlanGoal
        fields = ["title", "section", "status", "due_date", "target_level", "notes"]
        widgets = {
            # A date input reads and sends ISO dates, whatever the site's language.
            "due_date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "target_level": forms.NumberInput(attrs={"min": 1, "max": 4}),
        }
        labels = {"target_level": "Level to reach"}
        help_texts = {
            "target_level": "The measure of done: the goal is met when a new rating of the "
            "competency reaches this level."
        }
        error_messages = {
            "due_date": {"invalid": "Enter the due date as a date, for example 2027-03-31."}
        }

    def clean_target_level(self):
        level = self.cleaned_data.get("target_level")
        if level is not None:
            validate_on_scale(level)
        return level


class ActionForm(VersionedForm):
    """The goal field lists only the goals of the same plan: an action cannot be moved
    into someone else's plan, whatever is posted."""

    class Meta:
        model = PlanAction
        fields = ["title", "goal", "status", "due_date", "effort_hours", "notes", "evidence"]
        widgets = {
            "due_date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "effort_hours": forms.NumberInput(attrs={"min": 1, "max": 2000}),
        }
        labels = {"goal": "Goal it serves", "effort_hours": "Effort (hours)"}
        error_messages = {
            "due_date": {"invalid": "Enter the due date as a date, for example 2027-03-31."},
            "goal": {"invalid_choice": "Choose one of the goals of this plan."},
        }

    def __init__(self, *args, plan: CareerPlan, **kwargs) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        goal = cast(forms.ModelChoiceField, self.fields["goal"])
        goal.queryset = plan.goals.not_removed().in_section_order()
        goal.empty_label = None


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=PlanStatus.choices,
        error_messages={"invalid_choice": "That is not a plan status."},
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class PlanCreateForm(forms.Form):
    pathway = forms.ModelChoiceField(
        queryset=Pathway.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": "Choose one of the pathways in the catalogue."},
    )


class VersionForm(forms.Form):
    """A one-click button's form: the version of the item the page showed."""

    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)


# The day a role accepted starts: a little in the past (it may have started already),
# at most two years ahead.
ROLE_STARTED_DAYS_AGO = 30
ROLE_STARTS_YEARS_AHEAD = 2


def role_start_range() -> tuple[datetime.date, datetime.date]:
    today = clock.today()
    earliest = today - datetime.timedelta(days=ROLE_STARTED_DAYS_AGO)
    try:
        latest = today.replace(year=today.year + ROLE_STARTS_YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + ROLE_STARTS_YEARS_AHEAD, day=28)
    return earliest, latest


class RoleStartForm(forms.Form):
    starts_on = forms.DateField(
        label="The day the role starts",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": "Enter the day the role starts.",
            "invalid": "Enter the day the role starts as a date, for example 2027-03-01.",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        earliest, latest = role_start_range()
        self.fields["starts_on"].widget.attrs.update(
            {"min": earliest.isoformat(), "max": latest.isoformat()}
        )
        self.fields[
            "starts_on"
        ].help_text = (
            f"Between {date_format(earliest, 'j F Y')} and {date_format(latest, 'j F Y')}."
        )

    def clean_starts_on(self) -> datetime.date:
        starts_on = self.cleaned_data["starts_on"]
        earliest, latest = role_start_range()
        if starts_on < earliest:
            raise forms.ValidationError(
                f"That is more than {ROLE_STARTED_DAYS_AGO} days ago. Enter a day from "
                f"{date_format(earliest, 'j F Y')} on: the first 90 days are planned from it."
            )
        if starts_on > latest:
            raise forms.ValidationError(
                f"That is more than {ROLE_STARTS_YEARS_AHEAD} years ahead. Enter a day up to "
                f"{date_format(latest, 'j F Y')}, or tell us once the date is nearer."
            )
        return starts_on
