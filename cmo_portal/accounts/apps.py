from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cmo_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts and profiles"

    def ready(self) -> None:
        # The foundation app: what every other app's queries rely on is set up here.
        from cmo_portal import lookups

        lookups.register()
