from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "emassess.reminders"
    label = "reminders"
    verbose_name = "Reminders"
