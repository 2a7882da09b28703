from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "emassess.framework"
    label = "framework"
    verbose_name = "Framework content"
