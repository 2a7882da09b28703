from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisations and their history that `make run` loads (`manage.py load_demo`)."""

    name = "emassess.demo"
    label = "demo"
    verbose_name = "Demo data"
