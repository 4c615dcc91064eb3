# One image for web, worker and beat; docker-compose.yml picks the command.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=cmo_portal.settings.prod \
    CMO_DATA_DIR=/app/data

WORKDIR /app
RUN useradd --create-home --uid 1000 cmo
# Pango and fonts for WeasyPrint, which renders the plan's PDF.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
 && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY cmo_portal ./cmo_portal
COPY pathways ./pathways
COPY assessments ./assessments
COPY mentors ./mentors
RUN pip install --upgrade pip && pip install .

COPY . .
# collectstatic needs settings to import, not real secrets.
RUN DJANGO_SECRET_KEY=build-only-key-build-only-key-build-only-key-0000 \
    DJANGO_ALLOWED_HOSTS=build SITE_URL=https://build.invalid DEFAULT_FROM_EMAIL=build@build.invalid \
    DATABASE_URL=postgres://build:build-only@build.invalid/build \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/data && chown -R cmo:cmo /app/data

USER cmo
EXPOSE 8000
# Each request is logged once, by the site (cmo_portal.middleware.request_logged).
CMD ["gunicorn", "cmo_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-tmp-dir", "/dev/shm"]
