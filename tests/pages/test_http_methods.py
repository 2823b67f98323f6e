"""Every page answers ``HEAD`` as it answers ``GET`` (HTTP requires both of a server): link
checkers, uptime monitors and some crawlers ask ``HEAD``, and a view that accepted ``GET``
only (``require_GET``) answered them 405 Method Not Allowed."""

from __future__ import annotations

import pytest
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import Client

from tests.pages.test_escaping import build_world, crawl, seed_urls

pytestmark = pytest.mark.django_db


def _body(response: HttpResponseBase) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)  # type: ignore[arg-type]
    return response.content  # type: ignore[attr-defined]


def test_every_page_answers_head_as_it_answers_get() -> None:
    world = build_world()
    visitors = [None, world["users"]["owner"], world["users"]["boss"], world["staff"]]
    checked = 0
    for user in visitors:
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in crawl(client, seed_urls(world), follow_admin=False):
            got = client.get(url)
            head = client.head(url)
            assert head.status_code == got.status_code, url
            assert head.get("Content-Type") == got.get("Content-Type"), url
            assert _body(head) == b"", url
            _body(got)  # a streamed export read to its end (its cursor closed)
            checked += 1
    assert checked > 200
