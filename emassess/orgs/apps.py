from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "emassess.orgs"
    label = "orgs"
    verbose_name = "Organisations"
