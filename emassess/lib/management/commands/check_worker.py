import secrets
import time

from django.core.management.base import BaseCommand, CommandError

from emassess.lib.models import WorkerHeartbeat
from emassess.lib.tasks import record_worker_heartbeat


class Command(BaseCommand):
    help = "Send a heartbeat task through the broker and wait until a worker has written it to the database."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait for a worker.")

    def handle(self, *args, timeout: float, **options):
        token = secrets.token_hex(16)
        record_worker_heartbeat.delay(token)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            heartbeat = WorkerHeartbeat.objects.filter(token=token).first()
            if heartbeat:
                self.stdout.write(self.style.SUCCESS(f"A worker answered: {heartbeat.hostname}"))
                return
            time.sleep(0.2)
        raise CommandError(f"No worker wrote the heartbeat within {timeout:g} seconds.")
