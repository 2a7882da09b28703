from django.core.management.base import BaseCommand

from emassess.reminders.schedules import install_schedules


class Command(BaseCommand):
    help = "Add the periodic tasks of emassess.reminders.schedules that are missing; never changes existing ones."

    def handle(self, *args, **options):
        created = install_schedules()
        self.stdout.write(", ".join(created) + " installed." if created else "All schedules are installed already.")
