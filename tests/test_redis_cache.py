"""The Redis cache backend (cmo_portal/cache.py): what Django's does, with one client per
connection pool instead of one per operation; CACHE_URL=rediscache:// selects it."""

import redis

from cmo_portal.cache import RedisCache
from cmo_portal.settings.env import cache_from_env
from tests.services import needs_service


def test_a_redis_url_selects_the_backend_that_keeps_its_client(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "rediscache://127.0.0.1:6379/1")
    assert cache_from_env(default="locmemcache://")["BACKEND"] == "cmo_portal.cache.RedisCache"
    monkeypatch.setenv("CACHE_URL", "filecache:///tmp/somewhere")
    backend = cache_from_env(default="locmemcache://")["BACKEND"]
    assert backend == "django.core.cache.backends.filebased.FileBasedCache"


def test_the_backend_stores_and_reads_through_one_client(settings):
    url = settings.TEST_CELERY_BROKER_URL  # the tests' own Redis database
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        needs_service(f"no Redis at {url} for the cache backend's test ({exc})")
    cache = RedisCache(url, {"KEY_PREFIX": "cache-backend-test"})
    cache.clear()
    cache.set("page", ("text/html", b"\x1f\x8b stored"), 60)
    cache.set_many({"a": 1, "b": "two"})
    assert cache.get("page") == ("text/html", b"\x1f\x8b stored")
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": "two"}
    assert cache.add("a", 3) is False
    first = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is first  # made once, then shared
    cache.clear()
