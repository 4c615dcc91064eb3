"""Filter forms for the public curriculum pages. An invalid value is reported on the
form and ignored, so a tampered URL still gets a normal page."""

from django import forms

from cmo_portal.accounts.models import CareerStage
from pathways.models.curriculum import Competency, Pathway, Setting
from pathways.models.opportunities import DeliveryFormat, ModuleKind, OpportunityKind


def _any(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


def stage_field() -> forms.ChoiceField:
    """The career stage to filter by: those worth working on at that stage."""
    return forms.ChoiceField(
        label="Career stage",
        choices=_any("Any career stage", CareerStage.choices),
        required=False,
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100, strip=True)


class PathwayFilterForm(SearchForm):
    setting = forms.ModelChoiceField(
        queryset=Setting.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All settings",
    )
    stage = stage_field()


class PathwayCompareForm(forms.Form):
    pathways = forms.ModelMultipleChoiceField(
        queryset=Pathway.objects.all(),
        to_field_name="slug",
        label="Pathways to compare",
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_pathways(self):
        chosen = self.cleaned_data["pathways"]
        if not 2 <= len(chosen) <= 3:
            raise forms.ValidationError("Choose two or three pathways to compare.")
        return chosen


class ModuleFilterForm(SearchForm):
    where = forms.ChoiceField(
        label="Where it is taken",
        choices=[
            ("", "Here or elsewhere"),
            ("here", "Lessons on this site"),
            ("elsewhere", "Elsewhere"),
        ],
        required=False,
    )
    kind = forms.ChoiceField(choices=_any("Any kind", ModuleKind.choices), required=False)
    format = forms.ChoiceField(choices=_any("Any format", DeliveryFormat.choices), required=False)
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any competency",
    )
    stage = stage_field()


class DeadlineWindow:
    CHOICES = [
        ("", "Any deadline"),
        ("30", "Closing within 30 days"),
        ("90", "Closing within 90 days"),
        ("rolling", "Rolling, no deadline"),
    ]


class OpportunityFilterForm(SearchForm):
    kind = forms.ChoiceField(choices=_any("Any kind", OpportunityKind.choices), required=False)
    format = forms.ChoiceField(choices=_any("Any format", DeliveryFormat.choices), required=False)
    deadline = forms.ChoiceField(choices=DeadlineWindow.CHOICES, required=False)
    stage = stage_field()
    remote = forms.BooleanField(label="Remote only", required=False)
