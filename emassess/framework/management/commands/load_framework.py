from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emassess.framework.loading import CONTENT_FILE, ContentError, load_framework, read_content


class Command(BaseCommand):
    help = (
        "Load the framework content (archetypes, TLM checklist, anti-patterns, practices) from "
        "emassess/framework/content/framework.toml. Safe to run again: it adds what is missing "
        "and keeps what an admin edited, unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=CONTENT_FILE, help="Content file to load.")
        parser.add_argument(
            "--overwrite", action="store_true", help="Reset every item to the file, discarding admin edits."
        )

    def handle(self, *args, path: Path, overwrite: bool, **options):
        try:
            content = read_content(path)
        except (OSError, ContentError) as error:
            raise CommandError(str(error)) from error
        report = load_framework(content, overwrite=overwrite)
        self.stdout.write(self.style.SUCCESS(f"Framework content loaded from {path.name}: {report.summary()}"))
