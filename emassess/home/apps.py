from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The role routing and each role's home page: the top of the house, it may use every app."""

    name = "emassess.home"
    label = "home"
    verbose_name = "Home pages"
