from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "emassess.accounts"
    label = "accounts"
    verbose_name = "Accounts"
