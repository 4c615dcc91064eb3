from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The page benchmark (`manage.py bench_pages`): its command, the seeding of its data
    set, and the two reference views. Installed only by cmo_portal/settings/bench.py, so
    none of it exists in development or production. It sits above every other module
    and may import them all; nothing imports it."""

    name = "cmo_portal.bench"
    label = "bench"
    verbose_name = "Page benchmark"
