"""Requests whose body the portal cannot read get its page for a bad request (400) with the
reason, in the person's language, never a 500: a form sent in another charset than UTF-8, a
form with more fields than Django reads. Through the real CSRF check (the test client skips
it unless asked), which is what reads a form's body first."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def _form_client(path: str) -> tuple[Client, bytes]:
    """A client that passes the CSRF check as a browser does, and the token of ``path``'s form."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    page = client.get(path)
    assert page.status_code == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert token is not None
    return client, token.group(1)


@pytest.mark.parametrize(
    ("language", "reason"),
    [("en", "sent in UTF-8 only"), ("ru", "только в UTF-8")],
)
def test_a_form_sent_in_another_charset_gets_a_400_with_the_reason(language, reason):
    path = f"/{language}/accounts/login/"
    client, token = _form_client(path)
    body = b"csrfmiddlewaretoken=" + token + b"&login=a%40example.org&password=x"
    response = client.post(path, body, content_type=f"{FORM}; charset=utf-16")
    assert response.status_code == 400
    page = response.content.decode()
    assert reason in page
    assert "utf-16" in page
    assert f'<html lang="{language}">' in page


def test_a_form_declared_in_another_name_of_utf_8_is_read():
    """``charset=utf8`` (a name of UTF-8 some clients send) is read as the form it is."""
    path = "/en/accounts/login/"
    client, token = _form_client(path)
    body = b"csrfmiddlewaretoken=" + token + b"&login=nobody%40example.org&password=wrong"
    response = client.post(path, body, content_type=f"{FORM}; charset=utf8")
    # read and checked: the CSRF token accepted, the log-in refused with the form again
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()
    assert "nobody@example.org" in response.content.decode()


def test_a_form_with_too_many_fields_gets_the_translated_400_page(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    path = "/ru/accounts/login/"
    client, token = _form_client(path)
    body = b"csrfmiddlewaretoken=" + token + b"".join(b"&f%d=1" % i for i in range(60))
    response = client.post(path, body, content_type=FORM)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Не удалось прочитать запрос" in page
    assert '<html lang="ru">' in page
