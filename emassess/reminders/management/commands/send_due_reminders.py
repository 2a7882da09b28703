import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from emassess.reminders.models import FEEDBACK_KINDS, Reminder
from emassess.reminders.services import reminder_send, reminders_dispatch


class Command(BaseCommand):
    help = (
        "Record the reminders managers and reports are due and send those ready, in this process: the same logic "
        "the periodic dispatcher runs. Prints what it sent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD), e.g. for the demo.")
        parser.add_argument("--dry-run", action="store_true", help="Only print what is due; write and send nothing.")

    def handle(self, *args, date: str | None, dry_run: bool, **options):
        now = timezone.now()
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"--date must look like 2026-12-01, not {date!r}.") from error
            now = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        report = reminders_dispatch(now=now, dry_run=dry_run)
        for slug in report.failed:
            self.stderr.write(f"Could not work out the due reminders of organisation {slug!r}: see the log above.")
        if dry_run:
            for due in report.due:
                self.stdout.write(f"due  {due.kind:<12} {due.period:<8} {_whom(due.kind, due.email)}")
            counted = ngettext("%(n)d reminder due", "%(n)d reminders due", len(report.due)) % {"n": len(report.due)}
            self.stdout.write(f"{counted}; dry run: nothing recorded or sent.")
            if report.failed:
                raise CommandError(_organisations_failed(len(report.failed)) + ".")
            return
        counts: dict[str, int] = {}
        for reminder_id in report.claimed:
            result = reminder_send(reminder_id=reminder_id, now=now)
            counts[result.status] = counts.get(result.status, 0) + 1
            reminder = Reminder.objects.get(pk=reminder_id)
            line = f"{result.status:<8} {reminder.kind:<12} {reminder.period:<8} {_whom(reminder.kind, reminder.email)}"
            self.stdout.write(line + (f"  ({result.detail})" if result.detail else ""))
        summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items())) or "nothing to send"
        recorded = ngettext("%(n)d new reminder recorded", "%(n)d new reminders recorded", report.created) % {
            "n": report.created
        }
        self.stdout.write(self.style.SUCCESS(f"{recorded}; {summary}."))
        if report.failed:
            raise CommandError(_organisations_failed(len(report.failed)) + "; every other one was dispatched.")


def _whom(kind: str, email: str) -> str:
    """Who a reminder goes to, as printed: a report's address beside the survey's nudge (or a nudge
    skipped because they answered) would tell whoever reads the output who had not answered."""
    return "a report" if kind in FEEDBACK_KINDS else email


def _organisations_failed(count: int) -> str:
    return ngettext("%(n)d organisation failed", "%(n)d organisations failed", count) % {"n": count}
