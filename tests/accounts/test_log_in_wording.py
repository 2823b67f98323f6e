"""The header's "Log in" opens a page that says "Log in", not allauth's "Sign In" (issue 12
item 14), in English and Russian."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "expected"), [("en", "Log in"), ("ru", "Войти")])
def test_login_page_says_log_in(client: Client, lang: str, expected: str) -> None:
    with translation.override(lang):
        html = client.get(reverse("account_login")).content.decode()
    assert "Sign In" not in html
    assert re.search(rf"<title>\s*{expected} ·", html)
    assert re.search(rf"<h1>\s*{expected}\s*</h1>", html)
    assert re.search(rf'<button\s[^>]*type="submit"\s*>\s*{expected}\s*</button>', html)


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "expected"), [("en", "Log in"), ("ru", "Войдите")])
def test_signup_page_points_to_log_in(client: Client, lang: str, expected: str) -> None:
    with translation.override(lang):
        html = client.get(reverse("account_signup")).content.decode()
        login = reverse("account_login")
    assert "sign in" not in html.lower()
    assert re.search(rf'<a href="{login}[^"]*">{expected}</a>', html)
