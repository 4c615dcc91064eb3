"""The benchmark's settings (`manage.py bench_pages`, `make bench`): production's, with
the two reference views mounted beside the site (cmo_portal/bench/urls.py) and the bench
app installed for its command. Nothing else differs, so the figures are production's.

What production requires from the environment gets a local default here: a secret key
made fresh for each run (the gunicorn workers the command starts inherit it, so the
sessions it makes are valid in them), the local host names, a sender, and no database
password (the local PostgreSQL trusts local connections). The database is
DATABASE_URL's; the command refuses the embedded SQLite file and any database holding
people other than the benchmark's own. The site is behind TLS in production, so the load
sends X-Forwarded-Proto: https, as the proxy would, rather than turning the redirect off.
"""

import os
import secrets

from .env import cache_from_env

for _name, _value in {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SITE_URL": "http://127.0.0.1:8000",
    "DEFAULT_FROM_EMAIL": "CMO Pathways bench <bench@localhost>",
    # The machine's own PostgreSQL, which trusts local connections.
    "DATABASE_PASSWORD_REQUIRED": "false",
}.items():
    os.environ.setdefault(_name, _value)

from .prod import *  # noqa: E402

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "cmo_portal.bench"]
ROOT_URLCONF = "cmo_portal.bench.urls"

# Its own folders, so that a benchmark never shares collected files or cached pages with
# the development site's data folder.
BENCH_DIR = DATA_DIR / "bench"
STATIC_ROOT = BENCH_DIR / "staticfiles"
CACHES = {"default": cache_from_env(default=f"filecache://{BENCH_DIR / 'cache'}")}
