"""The Redis cache backend, with one client per connection pool.

Django's RedisCache makes a new redis-py client for every operation; building one sets
up its table of reply callbacks, about half a millisecond each time here, which was most
of the cost of a page served from the page cache (cmo_portal/page_cache.py). A client is
safe to share between threads (each command takes a connection from the pool), so each
pool's is made once. `CACHE_URL=rediscache://...` selects it (settings/base.py)."""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
