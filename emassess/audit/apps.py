from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "emassess.audit"
    label = "audit"
    verbose_name = "Audit log"
