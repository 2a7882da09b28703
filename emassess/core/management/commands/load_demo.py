from django.core.management.base import BaseCommand
from django.utils import timezone

from emassess.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations Acme and Globex (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        logins = load_demo(today=timezone.localdate())
        width = max(len(login.email) for login in logins)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000 as:"))
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.description}")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
