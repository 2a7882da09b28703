from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emassess.feedback.survey import CONTENT_FILE, SurveyError, build_definition, read_survey, survey_publish


class Command(BaseCommand):
    help = (
        "Publish the upward-feedback survey (emassess/feedback/content/survey.toml) with the names of the "
        "traps it mirrors. Publishes a new version only when something changed; published versions are "
        "never modified. Run load_framework first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=CONTENT_FILE)
        parser.add_argument("--note", default="", help="What changed, recorded on the new version.")

    def handle(self, *args, path: Path, note: str, **options):
        try:
            version, created = survey_publish(definition=build_definition(read_survey(path)), note=note)
        except (OSError, SurveyError) as error:
            raise CommandError(str(error)) from error
        if created:
            self.stdout.write(self.style.SUCCESS(f"Published {version}."))
        else:
            self.stdout.write(f"{version} is current; nothing changed.")
