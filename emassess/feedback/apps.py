from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "emassess.feedback"
    label = "feedback"
    verbose_name = "Upward feedback"
