"""The career plan's forms: a goal, an action, the plan's status, a move, a new plan.
They validate; the views hand what they cleaned to pathways.services."""

import datetime
from typing import cast

from django import forms
from django.utils.formats import date_format

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
