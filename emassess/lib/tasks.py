from celery import shared_task

from emassess.lib.models import WorkerHeartbeat


@shared_task(bind=True, name="core.record_worker_heartbeat")
def record_worker_heartbeat(self, token: str) -> int:
    heartbeat, _ = WorkerHeartbeat.objects.get_or_create(
        token=token, defaults={"hostname": self.request.hostname or "eager"}
    )
    return heartbeat.pk
