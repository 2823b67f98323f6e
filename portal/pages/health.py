"""Checks behind ``GET /healthz``."""

from __future__ import annotations

import logging

from django.db import connections

from portal.celery_app import app as celery_app

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "down"
        logger.exception("Health check: database unreachable")
        return False


def broker_ok(timeout: float = 2.0) -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            # celery-types types timeout as int; kombu takes any number of seconds.
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)  # type: ignore[arg-type]
            # A real round trip: declare nothing, just ask the transport for its channel.
            conn.default_channel  # noqa: B018
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


def health() -> dict[str, str]:
    return {
        "database": "ok" if database_ok() else "down",
        "broker": "ok" if broker_ok() else "down",
    }
