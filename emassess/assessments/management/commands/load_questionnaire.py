from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emassess.assessments.questionnaire import (
    CONTENT_FILE,
    QuestionnaireError,
    build_definition,
    framework_snapshot,
    questionnaire_publish,
    read_questionnaire,
)


class Command(BaseCommand):
    help = (
        "Publish the self-assessment questionnaire (emassess/assessments/content/questionnaire.toml) joined "
        "with the framework content as it stands. Publishes a new version only when something changed; "
        "published versions are never modified. Run load_framework first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=CONTENT_FILE)
        parser.add_argument("--note", default="", help="What changed, recorded on the new version.")

    def handle(self, *args, path: Path, note: str, **options):
        try:
            definition = build_definition(read_questionnaire(path), framework_snapshot())
            version, created = questionnaire_publish(definition=definition, note=note)
        except (OSError, QuestionnaireError) as error:
            raise CommandError(str(error)) from error
        if created:
            self.stdout.write(self.style.SUCCESS(f"Published {version}."))
        else:
            self.stdout.write(f"{version} is current; nothing changed.")
