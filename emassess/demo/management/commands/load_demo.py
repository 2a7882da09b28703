from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from emassess.demo.feedback import load_demo_feedback
from emassess.demo.history import load_demo_assessments
from emassess.demo.organisations import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo organisations Acme and Globex, with past quarterly assessments for their managers "
        "and answers of their reports to the upward-feedback survey (run load_framework, load_questionnaire and "
        "load_feedback_survey first). Safe to run again: nothing is duplicated."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        logins = load_demo(today=today)
        assessments = load_demo_assessments(today=today)
        if assessments:
            self.stdout.write(f"Added {assessments} past quarterly assessments for the demo managers.")
        responses = load_demo_feedback(today=today)
        if responses:
            self.stdout.write(f"Added {responses} answers of demo reports to the upward-feedback survey.")
        width = max(len(login.email) for login in logins)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in at {settings.SITE_URL} as:"))
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.description}")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
