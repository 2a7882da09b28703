from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "emassess.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
