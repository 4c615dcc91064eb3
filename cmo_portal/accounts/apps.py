from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cmo_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts and profiles"

    def ready(self) -> None:
        # The foundation app: what every other app's queries rely on is set up here.
        from cmo_portal import lookups

        lookups.register()

        from cmo_portal import page_cache

        from .models import Profile, User

        # Whose cached pages a saved row changes (cmo_portal.page_cache).
        page_cache.watch(User, "pk")
        page_cache.watch(Profile, "user_id")
