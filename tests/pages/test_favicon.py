"""The portal's icon: linked from every page, and /favicon.ico answered, not logged as a 404."""

from __future__ import annotations

import logging

import pytest
from django.templatetags.static import static
from django.test import Client


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_svg_icon(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("img/favicon.svg")
    assert not [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.django_db
def test_every_page_links_the_icon_and_the_logo(client: Client) -> None:
    html = client.get("/en/").content.decode()
    assert f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">' in html
    assert f'src="{static("img/logo.svg")}"' in html
