from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cmo_portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"
