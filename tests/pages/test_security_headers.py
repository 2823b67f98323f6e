"""Defence in depth: every page carries a Content-Security-Policy without inline script, a
Permissions-Policy; pages drawn for a logged-in person are not cached; the production server
(gunicorn) does not tell its version."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.urls import reverse

from tests.events.factories import RegistrationFactory, quick_event

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    result = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


@pytest.mark.parametrize("name", ["pages:home", "events:index", "cooperation:partner_index"])
def test_pages_carry_a_strict_content_security_policy(client, name):
    response = client.get(reverse(name))
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_portal_has_no_inline_script_or_style(client):
    event = quick_event()
    staff = event.organisers.get()
    client.force_login(staff)
    for url in (
        reverse("events:event_detail", args=[event.slug]),
        reverse("events:check_in", args=[event.slug]),
        reverse("events:index"),
    ):
        html = client.get(url).content.decode()
        assert "<script>" not in html, url
        assert "<style" not in html, url
        assert ' style="' not in html, url


@pytest.mark.parametrize(
    "name", ["accounts:profile", "accounts:data_export", "events:attendees", "events:badges"]
)
def test_pages_with_personal_data_are_not_cached(client, name):
    event = quick_event()
    RegistrationFactory(event=event, name="Anna Ivanova")
    organiser = event.organisers.get()
    client.force_login(organiser)
    url = reverse(name, args=[event.slug]) if name.startswith("events:") else reverse(name)

    response = client.get(url)

    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "Cookie" in response["Vary"]


def test_public_pages_for_anonymous_visitors_may_be_cached(client):
    response = client.get(reverse("events:index"))
    assert "no-store" not in response.get("Cache-Control", "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_gunicorn_sends_no_version_and_the_same_headers(database_url):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert response.status == 200
        assert response.headers["Server"] == "gunicorn"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["Permissions-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=10)
