"""Tabular inlines that screen readers can use. A tabular inline names its columns in
header cells, which are not labels: its inputs have no accessible name. This formset
gives each input its column's name as aria-label (and axe-core then finds none unlabelled)."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            field.widget.attrs.setdefault("aria-label", f"{field.label or name} ({row})")


class LabelledTabularInline(admin.TabularInline):
    formset = LabelledInlineFormSet
