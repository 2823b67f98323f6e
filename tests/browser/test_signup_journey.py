"""A researcher signs up, confirms the email, logs in, switches to Russian and logs out."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.mailsink import MailSink

pytestmark = pytest.mark.browser

EMAIL = "anna.ivanova@example.org"
NAME = "Анна Иванова"
PASSWORD = "Sibirskaya-lipa-2026!"


def url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


def test_signup_confirm_login_switch_language_logout(
    page: Page,
    live_server: LiveServer,
    smtp_sink: MailSink,
    eager_celery: None,  # the confirmation goes through the outbox, whose task sends it
    axe_check: Callable[[Page], None],
) -> None:
    # Home page, then the header's sign-up link.
    page.goto("/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe_check(page)
    account_nav = page.get_by_role("navigation", name="Account")
    account_nav.get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(live_server.url + url("account_signup"))
    axe_check(page)

    # Sign up with a Cyrillic name.
    form = page.locator("main form")
    form.get_by_label("Email").fill(EMAIL)
    form.get_by_label("Full name").fill(NAME)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.get_by_role("button", name="Sign up").click()

    # "Verify your email address", and the confirmation mail through real SMTP.
    expect(page).to_have_url(live_server.url + url("account_email_verification_sent"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")
    axe_check(page)
    mail = smtp_sink.wait_for(EMAIL)
    confirm_path = urlsplit(mail.find_url(r"/en/accounts/confirm-email/[^/]+/$")).path
    assert confirm_path.startswith("/en/accounts/confirm-email/")

    user = User.objects.get(email=EMAIL)
    assert user.name == NAME
    assert not EmailAddress.objects.get(user=user, email=EMAIL).verified

    # Confirm (a POST: ACCOUNT_CONFIRM_EMAIL_ON_GET is off).
    page.goto(confirm_path)
    axe_check(page)
    page.locator("main form").get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(live_server.url + url("account_login"))
    assert EmailAddress.objects.get(user=user, email=EMAIL).verified

    # Log in with email and password.
    axe_check(page)
    login_form = page.locator("main form")
    login_form.get_by_label("Email").fill(EMAIL)
    login_form.get_by_label("Password").fill(PASSWORD)
    login_form.get_by_role("button", name="Log in", exact=True).click()

    # The start page (LOGIN_REDIRECT_URL) greets them and says what waits for them; the
    # profile, one click away in the account menu, shows the name.
    expect(page).to_have_url(live_server.url + url("pages:start"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    expect(page.get_by_role("heading", name="Your registrations")).to_be_visible()
    axe_check(page)
    account_nav = page.get_by_role("navigation", name="Account")
    account_nav.get_by_role("link", name="My profile").click()
    expect(page).to_have_url(live_server.url + url("accounts:profile"))
    expect(page.get_by_label("Full name")).to_have_value(NAME)
    axe_check(page)

    # Switch to Russian with the header's no-JS language form.
    switcher = page.locator("form.language-switcher")
    switcher.get_by_label("Language").select_option("ru")
    switcher.get_by_role("button").click()
    expect(page).to_have_url(live_server.url + url("accounts:profile", "ru"))
    assert urlsplit(page.url).path.startswith("/ru/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#language-select option:checked")).to_have_text("Русский")
    with translation.override("ru"):
        my_profile_ru = translation.gettext("My profile")
    profile_link = page.locator(f"header a[href='{url('accounts:profile', 'ru')}']")
    expect(profile_link).to_have_text(my_profile_ru)
    assert my_profile_ru != "My profile", (
        "locale/ru/LC_MESSAGES/django.po: 'My profile' untranslated"
    )
    axe_check(page)

    # Log out (a POST form in the header): the log-in and sign-up links are back.
    page.locator("header form[action$='/accounts/logout/'] button").click()
    expect(page.locator(f"header a[href='{url('account_login', 'ru')}']")).to_be_visible()
    expect(page.locator(f"header a[href='{url('account_signup', 'ru')}']")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    # What the journey left in the database.
    user.refresh_from_db()
    assert user.name == NAME
    assert EmailAddress.objects.get(user=user, email=EMAIL, primary=True).verified
    assert user.groups.filter(name=Role.RESEARCHER).exists()
