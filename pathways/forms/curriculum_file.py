"""The upload of a curriculum file in admin (pathways/admin/curriculum_file.py)."""

from django import forms

from pathways.services.curriculum_files import CurriculumError
from pathways.services.curriculum_import import CURRICULUM_FILE_MAX_BYTES, curriculum_file_read


class CurriculumFileForm(forms.Form):
    file = forms.FileField(
        label="Curriculum file",
        help_text="A .toml file as “Export the curriculum” writes it.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > CURRICULUM_FILE_MAX_BYTES:  # refused before it is read
            raise forms.ValidationError(
                f"The file is {upload.size // 1024} KB; a curriculum file may be at most "
                f"{CURRICULUM_FILE_MAX_BYTES // (1024 * 1024)} MB."
            )
        content = upload.read()
        try:
            self.cleaned_data["tables"] = curriculum_file_read(content)
        except CurriculumError as error:
            raise forms.ValidationError(str(error)) from error
        self.cleaned_data["text"] = content.decode("utf-8")
        return upload
