"""The Redis cache backend (portal.cache) against a real Redis: REDIS_URL's, or the tests' own."""

from __future__ import annotations

import os
import threading
import uuid

import pytest

from portal.cache import RedisCache
from tests.processes import run_python

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache(redis_url):
    backend = RedisCache(redis_url, {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})
    yield backend
    backend.clear()
    for pool in backend.client.pools.values():  # this test's own connections
        pool.disconnect()


def test_settings_use_it_when_redis_is_configured(redis_url, database_url):
    """Settings are read at start-up: a fresh interpreter with REDIS_URL set."""
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CELERY_BROKER_URL)"
    )
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": database_url}
    result = run_python("-c", script, env=env, check=True)
    assert result.stdout.split() == ["portal.cache.RedisCache", redis_url]


def test_behaves_as_django_redis_cache(redis_cache):
    assert redis_cache.get("missing", "default") == "default"
    redis_cache.set("session", {"user": 7, "name": "Иван"}, 30)
    assert redis_cache.get("session") == {"user": 7, "name": "Иван"}
    assert redis_cache.add("session", "other") is False
    assert redis_cache.add("fresh", 1) is True
    assert redis_cache.incr("fresh", 4) == 5
    redis_cache.set_many({"a": 1, "b": [2]})
    assert redis_cache.get_many(["a", "b", "c"]) == {"a": 1, "b": [2]}
    redis_cache.delete_many(["a", "b"])
    assert redis_cache.get("a") is None
    redis_cache.set("short", "x", 0)  # timeout 0: not stored, as in Django
    assert redis_cache.get("short") is None


def test_one_client_is_reused_for_every_operation(redis_cache):
    first = redis_cache.client.get_client("k")
    redis_cache.set("k", 1)
    assert redis_cache.client.get_client("k", write=True) is first
    assert redis_cache.client.get_client("other") is first


def test_the_shared_client_is_safe_across_threads(redis_cache):
    errors: list[str] = []

    def work(n: int) -> None:
        for i in range(50):
            key = f"t{n}-{i}"
            redis_cache.set(key, (n, i))
            value = redis_cache.get(key)
            if value != (n, i):
                errors.append(f"{key}: {value!r}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
