from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cmo_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts and profiles"
