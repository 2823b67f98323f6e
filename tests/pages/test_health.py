from __future__ import annotations

import pytest

from portal.celery_app import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_names_the_broker_when_it_is_down(client):
    """Point the broker at a loopback port where nothing listens: a real refused connection."""
    original = celery_app.conf.broker_url
    celery_app.conf.update(broker_url="redis://127.0.0.1:9/0")
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.update(broker_url=original)

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
