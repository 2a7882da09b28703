from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "emassess.privacy"
    label = "privacy"
    verbose_name = "Privacy"
