from django import forms

from pathways.models.curriculum import (
    Degree,
    Pathway,
    RubricLevel,
    Setting,
)

from .models import MentoringFormat, NeedsAssessment

MAX_TARGETS = 3
RANK_LABELS = ("First choice", "Second choice", "Third choice")


class BackgroundForm(forms.ModelForm):
    degrees_held = forms.MultipleChoiceField(
        label="Degrees and certifications you hold",
        choices=Degree.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    degrees_planned = forms.MultipleChoiceField(
        label="Degrees you plan to take",
        choices=Degree.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = NeedsAssessment
        fields = [
            "career_stage",
            "specialty",
            "years_since_residency",
            "board_certification",
            "leadership_roles",
            "committees",
            "degrees_held",
            "degrees_planned",
            "certifications",
        ]
        widgets = {
            "leadership_roles": forms.Textarea(attrs={"rows": 3}),
            "committees": forms.Textarea(attrs={"rows": 3}),
            "certifications": forms.Textarea(attrs={"rows": 2}),
            "years_since_residency": forms.NumberInput(attrs={"min": 0, "max": 60}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("career_stage", "specialty", "board_certification"):
            self.fields[name].required = True


class GoalsForm(forms.ModelForm):
    """Target pathways are ranked through up to three choices, first one required."""

    settings_of_interest = forms.ModelMultipleChoiceField(
        queryset=Setting.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Settings that interest you",
    )

    class Meta:
        model = NeedsAssessment
        fields = ["time_horizon", "hours_per_week", "willing_to_relocate"]
        widgets = {"hours_per_week": forms.NumberInput(attrs={"min": 1, "max": 40})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pathways = Pathway.objects.select_related("setting")
        ranked = self.instance.ranked_pathways() if self.instance.pk else []
        for rank, label in enumerate(RANK_LABELS, start=1):
            self.fields[f"pathway_{rank}"] = forms.ModelChoiceField(
                queryset=pathways,
                to_field_name="slug",
                label=label,
                required=rank == 1,
                empty_label="Choose a pathway" if rank == 1 else "None",
                initial=ranked[rank - 1].slug if len(ranked) >= rank else None,
            )
        if self.instance.pk:
            self.fields["settings_of_interest"].initial = [
                s.slug for s in self.instance.settings_of_interest.all()
            ]
        for name in ("time_horizon", "hours_per_week", "willing_to_relocate"):
            self.fields[name].required = True
        self.order_fields(
            [f"pathway_{rank}" for rank in range(1, MAX_TARGETS + 1)]
            + ["time_horizon", "hours_per_week", "willing_to_relocate", "settings_of_interest"]
        )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        chosen = [data.get(f"pathway_{rank}") for rank in range(1, MAX_TARGETS + 1)]
        ranked = [pathway for pathway in chosen if pathway is not None]
        if len({p.pk for p in ranked}) != len(ranked):
            raise forms.ValidationError("Choose each pathway only once.")
        data["target_pathways"] = ranked
        return data


class MentoringForm(forms.ModelForm):
    mentoring_formats = forms.MultipleChoiceField(
        label="How you would like to meet",
        choices=MentoringFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = NeedsAssessment
        fields = ["mentoring_goals", "mentoring_formats", "mentoring_frequency"]
        widgets = {"mentoring_goals": forms.Textarea(attrs={"rows": 5})}


STEP_FORMS = {1: BackgroundForm, 2: GoalsForm, 3: MentoringForm}


class RubricForm(forms.Form):
    """One level and one evidence note per competency shown. Field names carry the
    competency's id; a posted id that is not on the page is refused, not ignored."""

    def __init__(self, *args, competencies, scale: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        # The last choice clears a level picked earlier, without JavaScript.
        choices = [(str(number), str(number)) for number in scale] + [("", "Not rated yet")]
        for competency in competencies:
            self.fields[f"level_{competency.pk}"] = forms.TypedChoiceField(
                label=competency.name,
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": "Level %(value)s is not on the rubric scale: choose "
                    "one of the levels shown."
                },
            )
            self.fields[f"evidence_{competency.pk}"] = forms.CharField(
                label=f"Evidence for {competency.name} (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        known = {f"level_{c.pk}" for c in self.competencies}
        strangers = [key for key in self.data if key.startswith("level_") and key not in known]
        if strangers:
            raise forms.ValidationError(
                "A rating was sent for a competency that is not on this page or not in "
                "the curriculum. Nothing was saved; please rate the competencies shown."
            )
        for competency in self.competencies:
            if data.get(f"evidence_{competency.pk}") and data.get(f"level_{competency.pk}") is None:
                self.add_error(
                    f"level_{competency.pk}",
                    "Pick the level your evidence supports, or clear the note.",
                )
        return data

    def ratings(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data[f"level_{c.pk}"], self.cleaned_data[f"evidence_{c.pk}"])
            for c in self.competencies
        }

    def error_lines(self) -> list[str]:
        """Every error in words that name the competency, for an answer without the page
        (the page's script saving the draft as the rater goes)."""
        lines = [str(error) for error in self.non_field_errors()]
        for competency in self.competencies:
            for kind, label in (
                ("level", competency.name),
                ("evidence", f"{competency.name}, evidence"),
            ):
                lines += [
                    f"{label}: {error}" for error in self.errors.get(f"{kind}_{competency.pk}", [])
                ]
        return lines

    def rows(self):
        """(competency, level field, evidence field, rubric levels) for the template."""
        for competency in self.competencies:
            levels: list[RubricLevel] = list(competency.levels.all())
            yield (
                competency,
                self[f"level_{competency.pk}"],
                self[f"evidence_{competency.pk}"],
                levels,
            )
