from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and benchmarks for the embedded default and for development: the demo
    people (people.py) and the commands that load or time them. It sits above every
    other app and may import them; nothing imports it back."""

    name = "cmo_portal.demo"
    label = "demo"
    verbose_name = "Demo data"
