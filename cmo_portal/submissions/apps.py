from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "cmo_portal.submissions"
    label = "submissions"
    verbose_name = "Forms sent once"
