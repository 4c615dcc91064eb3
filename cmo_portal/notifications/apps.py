from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cmo_portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # anymail hands every event of a provider's tracking webhook to this signal.
        from anymail.signals import tracking

        from .bounces import tracking_received

        tracking.connect(tracking_received, dispatch_uid="notifications.bounces")
