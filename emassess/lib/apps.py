from django.apps import AppConfig


class LibConfig(AppConfig):
    """The floor every app stands on: email building, the worker heartbeat and general template
    filters. It imports no other app of emassess."""

    name = "emassess.lib"
    label = "lib"
    verbose_name = "Library"
