from django.core.management.base import BaseCommand, CommandError

from pathways.services.curriculum import CurriculumError, curriculum_load


class Command(BaseCommand):
    help = (
        "Load the shipped curriculum from pathways/curriculum/. Safe to run again: it "
        "matches rows by slug, keeps what editors changed in admin and deletes nothing."
    )

    def handle(self, *args, **options) -> None:
        try:
            report = curriculum_load()
        except CurriculumError as error:
            raise CommandError(f"The shipped curriculum is inconsistent: {error}") from error
        self.stdout.write("Curriculum loaded:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
