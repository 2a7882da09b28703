from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from emassess.dashboards.releases import figures_release_due


class Command(BaseCommand):
    help = (
        "Release the result figures that are due, as the periodic task does; with --all, every quarter "
        "that has results (a first deployment, the demo). Safe to run again: nothing is released twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Look at every quarter, not only the recent ones.")

    def handle(self, *args, all: bool, **options):
        released = figures_release_due(now=timezone.now(), every_quarter=all)
        for release in released:
            responses = ngettext("%(n)d response", "%(n)d responses", release.responses) % {"n": release.responses}
            self.stdout.write(f"released {release.organisation.slug} {release.quarter}: {responses}")
        made = ngettext("%(n)d release made.", "%(n)d releases made.", len(released)) % {"n": len(released)}
        self.stdout.write(self.style.SUCCESS(made))
