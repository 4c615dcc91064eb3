"""The lesson's two forms: the physician's reflections (kept privately, all optional) and
the self-check (every question answered)."""

from django import forms

from pathways.models.lessons import ReflectionQuestion, SelfCheckQuestion

REFLECTION_MAX = 4000


class ReflectionForm(forms.Form):
    """One optional text per reflection question, named by its id."""

    def __init__(self, *args, questions: list[ReflectionQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"reflection_{question.pk}"] = forms.CharField(
                label=question.prompt,
                required=False,
                max_length=REFLECTION_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[f"reflection_{q.pk}"] for q in self.questions}


class SelfCheckForm(forms.Form):
    """One choice per self-check question, named by its id; each is required."""

    def __init__(self, *args, questions: list[SelfCheckQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            self.fields[f"answer_{question.pk}"] = forms.TypedChoiceField(
                label=f"{number}. {question.question}",
                choices=[(i, text) for i, text in enumerate(question.choice_list, start=1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer to this question."},
            )

    def choices(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"answer_{q.pk}"] for q in self.questions}
