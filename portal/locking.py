"""Lock, then count: the one way the portal serialises writes that consume something limited
(seats of an event, and soon brokerage tables and time slots).

Modelled on pretix's ``lock_objects``: row locks (``SELECT ... FOR UPDATE``) taken inside
``transaction.atomic``, always in the same order (model, then primary key) so two requests that
lock the same rows never deadlock, under a short ``SET LOCAL lock_timeout`` so a request waits at
most ``LOCK_TIMEOUT`` and then gets a clear "busy, try again" instead of hanging. Count what is
taken only *after* the lock is held, in a statement of its own (it then reads every row committed
before the lock was granted).

    with locked(event):             # a transaction holding the event's row lock
        taken = seats_taken(event)  # exact: nobody else can change it now
        ...

Services that need the lock and their first read in one round trip (registration) build their
statement from ``lock_sql`` and run it inside ``busy_on_lock_timeout``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import OperationalError, connection, models, transaction

from portal.errors import BusyError

#: How long a request waits for a row lock before it is told to try again.
LOCK_TIMEOUT = "5s"
#: PostgreSQL's SQLSTATE for "lock_timeout expired".
LOCK_NOT_AVAILABLE = "55P03"


def lock_sql(model: type[models.Model], count: int = 1) -> str:
    """The statements that lock ``count`` rows of ``model`` (primary keys as parameters, in
    ascending order) under the lock timeout; valid only inside a transaction."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    placeholders = ", ".join(["%s"] * count)
    return (
        f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; "  # noqa: S608 - constants and quoted names
        f"SELECT 1 FROM {table} WHERE {pk} IN ({placeholders}) ORDER BY {pk} FOR UPDATE"
    )


def is_lock_timeout(exc: BaseException) -> bool:
    cause = exc.__cause__
    return getattr(cause, "pgcode", None) == LOCK_NOT_AVAILABLE


def lock_objects(objects: Iterable[models.Model]) -> None:
    """Lock the rows of ``objects`` until the current transaction ends (keys sorted: by model
    label, then primary key). Raises ``OperationalError`` on timeout; ``locked`` turns that into
    a ``BusyError``."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_objects() must run inside transaction.atomic()")
    by_model: dict[type[models.Model], set[Any]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), set()).add(obj.pk)
    with connection.cursor() as cursor:
        for model in sorted(by_model, key=lambda m: m._meta.label):
            pks = sorted(by_model[model])
            cursor.execute(lock_sql(model, len(pks)), pks)


@contextlib.contextmanager
def busy_on_lock_timeout(busy: Callable[[], Exception] = BusyError) -> Iterator[None]:
    """Run a transaction that takes locks; a lock timeout inside becomes ``busy()``."""
    try:
        yield
    except OperationalError as exc:
        if is_lock_timeout(exc):
            raise busy() from exc
        raise


@contextlib.contextmanager
def locked(*objects: models.Model, busy: Callable[[], Exception] = BusyError) -> Iterator[None]:
    """``with locked(a, b):`` one transaction holding the row locks of ``a`` and ``b``."""
    with busy_on_lock_timeout(busy), transaction.atomic():
        lock_objects(objects)
        yield
