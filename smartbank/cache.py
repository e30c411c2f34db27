"""Django's Redis cache backend, keeping its redis-py client instead of building one per call.

Django's ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` on every cache operation
(its connection pool is kept, the client object is not): building one, with its table of
response callbacks, costs ~0.05 ms of CPU, more than the ``SET NX`` it then sends. The loan
submission's doorbell (:func:`smartbank.outbox.doorbell_ring`) and every rate limit make such
a call per request (issue 13: 4 % of a loaded web process's Python time on the submission was
the doorbell's cache call). Here the client of each pool is made once. Django gives every
thread its own cache backend instance, so a kept client is never shared between threads
(redis-py clients are thread-safe anyway: each command takes a connection from the pool).
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client with one ``redis.Redis`` per connection pool, made once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with :class:`KeptClientRedisCacheClient`
    (same settings, same keys and values)."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
