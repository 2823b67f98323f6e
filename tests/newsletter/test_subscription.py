"""Subscription: double opt-in with proof of consent, the preference centre by signed link,
RFC 8058 one-click unsubscribe, and the bad-input cases (no leak, no 500)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from portal.mail.models import OutgoingMail
from portal.newsletter import tokens
from portal.newsletter.constants import CONFIRM_KIND, CONSENT_VERSION
from portal.newsletter.models import Subscriber
from tests.cooperation.factories import theme
from tests.mail.outbox import send_queued
from tests.newsletter.factories import subscriber

pytestmark = pytest.mark.django_db


def _subscribe(client: Client, email: str, *, language: str = "en", **extra) -> Any:
    data = {"email": email, "language": language, "frequency": "weekly", "consent": "on", **extra}
    return client.post(reverse("newsletter:index"), data, REMOTE_ADDR="198.51.100.7")


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _link(message: mail.EmailMessage, part: str) -> str:
    found = re.search(r"https?://\S+" + re.escape(part) + r"\S+", str(message.body))
    assert found, message.body
    return found.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_double_opt_in_stores_proof_of_consent_and_mails_in_the_chosen_language(client):
    theme("ICT")
    response = _subscribe(client, "Anna@Example.org", language="ru", themes=["ICT"])
    assert response.status_code == 302
    row = Subscriber.objects.get()
    assert row.status == Subscriber.Status.PENDING
    assert (row.consent_ip, row.consent_text_version) == ("198.51.100.7", CONSENT_VERSION)
    assert row.consent_at is not None
    assert row.confirmed_at is None
    assert send_queued() == 1
    (message,) = mail.outbox
    assert message.to == ["Anna@Example.org"]
    assert "Подтвердите" in message.subject
    confirm = _link(message, "/ru/newsletter/confirm/")
    # A GET (a link scanner) confirms nothing; the button's POST does.
    assert client.get(confirm).status_code == 200
    row.refresh_from_db()
    assert row.status == Subscriber.Status.PENDING
    page = client.post(confirm, REMOTE_ADDR="198.51.100.8")
    assert page.status_code == 200
    row.refresh_from_db()
    assert row.status == Subscriber.Status.ACTIVE
    assert row.confirmed_ip == "198.51.100.8"
    assert row.confirmed_at is not None
    assert row.themes == ["ICT"]


def test_subscribing_twice_answers_the_same_and_changes_nothing(client):
    anna = subscriber("anna@example.org", themes=[])
    send_queued()
    mail.outbox.clear()
    a_while_ago = timezone.now() - datetime.timedelta(minutes=5)  # past the resend pause
    Subscriber.objects.update(confirmation_sent_at=a_while_ago)
    first = _subscribe(client, "nobody@example.org")
    again = _subscribe(client, "ANNA@example.org", language="ru")
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]  # no leak of who is subscribed
    anna.refresh_from_db()
    assert (anna.status, anna.language) == ("active", "en")  # a stranger changed nothing
    send_queued()
    (already,) = [m for m in mail.outbox if m.to == ["anna@example.org"]]
    assert "already subscribed" in already.subject
    assert "/newsletter/preferences/" in already.body


def test_malformed_address_and_missing_consent_re_render_with_messages(client):
    response = client.post(
        reverse("newsletter:index"),
        {"email": "not an address", "language": "en", "frequency": "weekly"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert "Please agree to receive the newsletter." in body
    assert 'value="not an address"' in body
    assert not Subscriber.objects.exists()


def test_unknown_theme_or_content_type_is_a_form_error_not_a_500(client):
    response = _subscribe(client, "a@example.org", themes=["NOPE"], content_types=["bogus"])
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Subscriber.objects.exists()


def test_forged_and_expired_confirmation_links_show_a_clear_page(client, monkeypatch):
    row = subscriber("anna@example.org", confirmed=False)
    token = tokens.confirm_token(row)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.get(reverse("newsletter:confirm", kwargs={"token": forged}))
    assert response.status_code == 400
    assert "The link is incomplete or was changed." in response.content.decode()
    # a manage token is not a confirmation token (salts differ)
    wrong_kind = tokens.manage_token(row)
    assert (
        client.post(reverse("newsletter:confirm", kwargs={"token": wrong_kind})).status_code == 400
    )
    token = tokens.confirm_token(row)
    later = timezone.now() + tokens.CONFIRM_MAX_AGE + datetime.timedelta(minutes=1)
    # Eight days later (the signer reads the clock through its module's ``time``).
    monkeypatch.setattr("django.core.signing.time.time", later.timestamp)
    expired = client.post(reverse("newsletter:confirm", kwargs={"token": token}))
    assert expired.status_code == 400
    assert "The link has expired." in expired.content.decode()
    row.refresh_from_db()
    assert row.status == Subscriber.Status.PENDING


def test_preference_centre_by_signed_link_saves_and_rejects_forgeries(client):
    theme("ICT")
    theme("HEALTH")
    row = subscriber("anna@example.org")
    url = reverse("newsletter:preferences", kwargs={"token": tokens.manage_token(row)})
    page = client.get(url)
    assert page.status_code == 200
    assert "anna@example.org" in page.content.decode()
    saved = client.post(
        url,
        {
            "language": "ru",
            "themes": ["HEALTH"],
            "content_types": ["calls"],
            "frequency": "immediate",
        },
    )
    assert saved.status_code == 302
    row.refresh_from_db()
    assert (row.language, row.themes, row.content_types, row.frequency) == (
        "ru",
        ["HEALTH"],
        ["calls"],
        "immediate",
    )
    other = subscriber("boris@example.org")
    # Anna's payload under Boris's signature: someone who has Boris's mail tries Anna's row
    forged = (
        tokens.manage_token(row).split(":")[0] + ":" + tokens.manage_token(other).split(":", 1)[1]
    )
    response = client.get(reverse("newsletter:preferences", kwargs={"token": forged}))
    assert response.status_code == 400
    assert "anna@example.org" not in response.content.decode()


def test_one_click_unsubscribe_post_needs_no_cookie_or_csrf_and_get_only_asks(client):
    row = subscriber("anna@example.org")
    url = reverse("newsletter:unsubscribe", kwargs={"token": tokens.manage_token(row)})
    page = client.get(url)
    assert page.status_code == 200
    assert b"<form" in page.content
    row.refresh_from_db()
    assert row.status == Subscriber.Status.ACTIVE  # a scanner's GET unsubscribes nobody
    strict = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no token
    response = strict.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200  # not a redirect
    row.refresh_from_db()
    assert row.status == Subscriber.Status.UNSUBSCRIBED
    assert row.unsubscribed_at is not None
    assert strict.post(url).status_code == 200  # twice: harmless


def test_asking_for_the_link_answers_the_same_for_unknown_addresses(client):
    subscriber("anna@example.org")
    send_queued()
    mail.outbox.clear()
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - datetime.timedelta(minutes=5))
    known = client.post(reverse("newsletter:manage_link"), {"email": "anna@example.org"})
    unknown = client.post(reverse("newsletter:manage_link"), {"email": "zed@example.org"})
    assert _without_csrf(known.content) == _without_csrf(unknown.content)
    send_queued()
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]


def test_a_confirmation_queued_before_confirming_elsewhere_is_not_sent(client):
    row = subscriber("anna@example.org", confirmed=False)
    from portal.newsletter import services

    services.subscription_confirm(subscriber=row, ip=None)
    send_queued()
    assert mail.outbox == []
    assert OutgoingMail.objects.get(kind=CONFIRM_KIND).status == "cancelled"


def test_pages_exist_in_russian(client):
    with translation.override("ru"):
        url = reverse("newsletter:index")
    assert url.startswith("/ru/")
    assert "Подписаться" in client.get(url).content.decode()


def test_download_my_data_holds_the_consent_and_deleting_the_account_forgets_it():
    from portal.accounts.services import user_delete, user_export
    from tests.events.factories import person

    user = person(email="anna@example.org")
    subscriber("Anna@example.org")
    data = user_export(user=user)["sections"]["newsletter"]
    assert data[0]["consent_ip"] == "203.0.113.5"
    assert data[0]["confirmed_ip"] == "203.0.113.6"
    assert data[0]["consent_text_version"] == CONSENT_VERSION
    user_delete(user=user)
    assert not Subscriber.objects.exists()


def test_a_logged_in_subscriber_reaches_the_preferences_from_the_page(client):
    from tests.events.factories import person

    user = person(email="anna@example.org")
    subscriber("Anna@example.org")
    client.force_login(user)
    page = client.get(reverse("newsletter:index")).content.decode()
    assert "Your address Anna@example.org has a subscription (Subscribed)." in page
    assert "/en/newsletter/preferences/" in page
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("newsletter:index") in profile
