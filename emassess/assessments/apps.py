from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "emassess.assessments"
    label = "assessments"
    verbose_name = "Assessments"
