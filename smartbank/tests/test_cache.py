"""The Redis cache backend (smartbank/cache.py) keeps its client and behaves as Django's."""

import pytest
from django.core.cache import caches

from smartbank.cache import RedisCache


@pytest.fixture
def redis_cache():
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("the Redis cache (CACHE_URL)")
    cache.delete("test:kept-client")
    yield cache
    cache.delete("test:kept-client")


def test_one_client_serves_every_call_and_add_is_set_if_absent(redis_cache):
    first = redis_cache._cache.get_client(write=True)

    assert redis_cache.add("test:kept-client", 1, timeout=10) is True
    assert redis_cache.add("test:kept-client", 2, timeout=10) is False
    assert redis_cache.get("test:kept-client") == 1

    assert redis_cache._cache.get_client(write=True) is first
    assert redis_cache._cache.get_client(write=False) is first  # one server: reads there too
