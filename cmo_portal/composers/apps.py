from django.apps import AppConfig


class ComposersConfig(AppConfig):
    """The digests and reminders: they read every domain app and hand what they compose
    to the outbox (cmo_portal.notifications); nothing imports them back."""

    name = "cmo_portal.composers"
    label = "composers"
    verbose_name = "Digests and reminders"
