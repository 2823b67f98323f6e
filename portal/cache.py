"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django's ``RedisCacheClient.get_client()`` builds a new ``redis.Redis`` object for every cache
operation; its constructor copies redis-py's table of about 200 response callbacks, which costs
more than the round trip to a local Redis (about 0.25 ms per operation, profiled on the
registration POST, which reads the session from the cache). A ``redis.Redis`` object holds no
connection of its own (it borrows one from the pool for each command) and is safe to share
between threads, so one per pool is kept and reused.

Django's backend has no public way to choose its client, nor to reach the client's pools, so the
two classes here are whole: ``RedisCacheClient`` is Django's (its operations and serializer)
with the server choice and the pools kept here (``get_client``, ``pools``); ``RedisCache`` is
Django's ``RedisCache`` over it, method for method.

Used by settings when ``REDIS_URL`` is set: ``"BACKEND": "portal.cache.RedisCache"``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.functional import cached_property
from django.utils.module_loading import import_string


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(
        self,
        servers: list[str],
        serializer: Any = None,
        pool_class: Any = None,
        parser_class: Any = None,
        **options: Any,
    ) -> None:
        super().__init__(
            servers,
            serializer=serializer,
            pool_class=pool_class,
            parser_class=parser_class,
            **options,
        )
        # As Django's client reads its options (class names or classes).
        if isinstance(pool_class, str):
            pool_class = import_string(pool_class)
        if isinstance(parser_class, str):
            parser_class = import_string(parser_class)
        self.servers = list(servers)
        self.pool_class = pool_class or redis.ConnectionPool
        self.pool_options = {
            "parser_class": parser_class or redis.connection.DefaultParser,
            **options,
        }
        #: server index -> its pool and the one client that uses it
        self.pools: dict[int, redis.ConnectionPool] = {}
        self.clients: dict[int, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        # Django's choice: writes to the first server, reads from the others if there are any.
        last = len(self.servers) - 1
        index = 0 if write or last == 0 else random.randint(1, last)  # noqa: S311 - load spreading
        client = self.clients.get(index)
        if client is None:
            pool = self.pools.get(index)
            if pool is None:
                pool = self.pools[index] = self.pool_class.from_url(
                    self.servers[index], **self.pool_options
                )
            client = self.clients[index] = redis.Redis(connection_pool=pool)
        return client


class RedisCache(BaseCache):
    """Django's ``RedisCache`` (the same methods, timeouts and keys) over ``RedisCacheClient``."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(params)
        self.servers = re.split("[;,]", server) if isinstance(server, str) else server
        self.options = params.get("OPTIONS", {})

    @cached_property
    def client(self) -> RedisCacheClient:
        return RedisCacheClient(self.servers, **self.options)

    def get_backend_timeout(self, timeout: float | None = DEFAULT_TIMEOUT) -> int | None:
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        # None makes the key persistent; non-positive values delete it.
        return None if timeout is None else max(0, int(timeout))

    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self.client.add(key, value, self.get_backend_timeout(timeout)))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        return self.client.get(key, default)

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        self.client.set(key, value, self.get_backend_timeout(timeout))

    def touch(
        self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        # django-stubs types the client's timeout as int | timedelta; Django's client takes None
        # (persist), as in set_many below.
        return bool(self.client.touch(key, self.get_backend_timeout(timeout)))  # type: ignore[arg-type]

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self.client.delete(key))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        key_map: dict[Any, Any] = {
            self.make_and_validate_key(key, version=version): key for key in keys
        }
        found = self.client.get_many(key_map.keys())
        return {key_map[k]: v for k, v in found.items()}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self.client.has_key(key))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        return int(self.client.incr(key, delta))

    def set_many(
        self,
        data: Mapping[Any, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[Any]:
        if not data:
            return []
        safe_data: dict[Any, Any] = {
            self.make_and_validate_key(k, version=version): v for k, v in data.items()
        }
        self.client.set_many(safe_data, self.get_backend_timeout(timeout))  # type: ignore[arg-type]
        return []

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        safe_keys = [self.make_and_validate_key(key, version=version) for key in keys]
        if safe_keys:
            self.client.delete_many(safe_keys)

    def clear(self) -> bool:  # type: ignore[override]  # Django's RedisCache returns flushdb's bool
        return bool(self.client.clear())
