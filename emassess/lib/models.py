from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by a Celery worker on request, to prove that workers are consuming tasks and
    can reach the database (`manage.py check_worker`)."""

    token = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.created_at:%Y-%m-%d %H:%M:%S}"
