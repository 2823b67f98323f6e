"""Account mails name the portal (in the recipient's language) and its domain as the settings do,
not "example.com"; the Site row follows the settings after every `migrate`."""

from __future__ import annotations

import pytest
from django.contrib.sites.models import Site
from django.core.management import call_command

from tests.accounts.factories import PASSWORD, UserFactory
from tests.mail.outbox import send_queued

pytestmark = pytest.mark.django_db

NAME_EN = "EU–Russia STI Cooperation Portal"
NAME_RU = "Портал сотрудничества ЕС–Россия в сфере науки, технологий и инноваций"


def test_the_site_row_holds_the_configured_domain_and_name(settings):
    site = Site.objects.get(pk=settings.SITE_ID)
    assert site.domain == settings.SITE_DOMAIN == "127.0.0.1:8000"
    assert site.name == NAME_EN


def test_a_deploy_with_another_url_and_name_moves_the_site_on_migrate(settings):
    settings.SITE_DOMAIN = "sti-portal.example.eu"
    settings.SITE_NAMES = {"en": "STI Portal", "ru": "Портал НТИ"}

    call_command("migrate", verbosity=0, interactive=False)

    Site.objects.clear_cache()
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("sti-portal.example.eu", "STI Portal")


def test_sign_up_mail_names_the_portal_in_russian_and_its_domain(client, mailoutbox):
    client.post(
        "/ru/accounts/signup/",
        {"email": "new@example.org", "name": "Анна", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert send_queued() == 1  # account mails go through the outbox
    mail = mailoutbox[0]
    text = mail.subject + mail.body
    assert "example.com" not in text
    assert mail.subject.startswith(f"[{NAME_RU}]")
    assert NAME_RU in mail.body
    assert "127.0.0.1:8000" in mail.body


def test_a_password_reset_is_written_in_the_account_holders_language(client, mailoutbox):
    UserFactory(email="english@example.org", preferred_language="en")

    client.post("/ru/accounts/password/reset/", {"email": "english@example.org"})

    assert send_queued() == 1
    mail = mailoutbox[0]
    assert mail.subject.startswith(f"[{NAME_EN}]")
    assert NAME_EN in mail.body
    assert "example.com" not in mail.subject + mail.body
    assert "Пароль" not in mail.subject + mail.body
