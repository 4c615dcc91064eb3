"""Forms for meetings: they validate and clean; the views hand cleaned_data to services.
A time typed in a form is in the reader's own zone (the one the page runs in)."""

from django import forms

from .models.meetings import MAX_PROPOSED_TIMES


class LocalTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _time_field(label: str, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=LocalTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


class MeetingTimesForm(forms.Form):
    """Up to MAX_PROPOSED_TIMES times; the first is required."""

    time_1 = _time_field("First time", required=True)
    time_2 = _time_field("Second time (optional)", required=False)
    time_3 = _time_field("Third time (optional)", required=False)

    def times(self) -> list:
        names = [f"time_{n}" for n in range(1, MAX_PROPOSED_TIMES + 1)]
        return [self.cleaned_data[name] for name in names if self.cleaned_data.get(name)]


class MeetingProposalForm(MeetingTimesForm):
    topic = forms.CharField(
        label="What is the meeting for?",
        max_length=200,
        help_text="A line, for example “Prepare the interview for the CMO post”.",
    )
    field_order = ["topic", "time_1", "time_2", "time_3"]


class PickTimeForm(forms.Form):
    time = forms.IntegerField(widget=forms.HiddenInput)


class OtherTimesForm(forms.Form):
    note = forms.CharField(
        label="What would suit you better? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveForm(forms.Form):
    starts_at = _time_field("New time", required=True)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note", required=False, max_length=6000, widget=forms.Textarea(attrs={"rows": 4})
    )
    items = forms.CharField(
        label="Action items (one a line)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Each can become an action of the plan with one click.",
    )
    shared = forms.TypedChoiceField(
        label="Who reads it",
        choices=[("1", "Shared with the other side"), ("0", "Private: only me")],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    def item_titles(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class ToPlanForm(forms.Form):
    goal = forms.IntegerField(label="Goal")
