from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "emassess.core"
    label = "core"
    verbose_name = "Core"
