from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.mail.models import OutgoingMail
from portal.site import site_name
from tests.accounts.factories import PASSWORD, UserFactory
from tests.mail.outbox import queued, send_queued

pytestmark = pytest.mark.django_db

SIGNUP_EN = "/en/accounts/signup/"
SIGNUP_RU = "/ru/accounts/signup/"
#: a well-formed address of 312 characters (labels of at most 63, as DNS allows)
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"


def _signup(client, url=SIGNUP_EN, **overrides):
    data = {
        "email": "new.person@example.org",
        "name": "Анна Иванова",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post(url, data)


def test_signup_creates_unverified_researcher_and_sends_confirmation(client, mailoutbox):
    response = _signup(client)

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.name == "Анна Иванова"
    assert user.preferred_language == "en"
    assert list(user.groups.values_list("name", flat=True)) == [Role.RESEARCHER]
    address = EmailAddress.objects.get(user=user)
    assert address.verified is False
    # Written to the outbox in the request, sent by the outbox, not by the request.
    (row,) = queued("account.email_confirmation_signup")
    assert (row.to_email, row.language, row.status) == (
        "new.person@example.org",
        "en",
        OutgoingMail.Status.PENDING,
    )
    assert row.about_id == user.pk
    assert row.rendered_at is not None
    assert "/en/accounts/confirm-email/" in row.body
    assert mailoutbox == []
    assert send_queued() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.person@example.org"]
    assert "/en/accounts/confirm-email/" in mailoutbox[0].body
    assert mailoutbox[0].subject == row.subject
    assert mailoutbox[0].subject.startswith(f"[{site_name('en')}] ")
    assert send_queued() == 0


def test_signup_in_russian_remembers_language_and_mails_in_russian(client, mailoutbox):
    _signup(client, url=SIGNUP_RU)

    user = User.objects.get(email="new.person@example.org")
    assert user.preferred_language == "ru"
    assert [row.language for row in queued("account.email_confirmation_signup")] == ["ru"]
    send_queued()
    assert mailoutbox[0].extra_headers["Content-Language"] == "ru"
    assert "/ru/accounts/confirm-email/" in mailoutbox[0].body
    assert "Пожалуйста" in mailoutbox[0].subject + mailoutbox[0].body


def test_unverified_user_cannot_log_in_until_the_email_is_confirmed(client, mailoutbox):
    _signup(client)
    client.logout()
    response = client.post(
        "/en/accounts/login/", {"login": "new.person@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    send_queued()
    key_url = next(
        line.strip() for line in mailoutbox[-1].body.splitlines() if "confirm-email/" in line
    )
    path = key_url[key_url.index("/en/") :]
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="new.person@example.org").verified

    response = client.post(
        "/en/accounts/login/", {"login": "New.Person@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/en/start/"  # LOGIN_REDIRECT_URL: the personal start page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": "почта@пример.рф"}, "email", "Enter a valid email address."),
        ({"email": "😀@example.org"}, "email", "Enter a valid email address."),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "password", "password2": "password"}, "password1", "too common"),
        ({"password2": "something-else-entirely-9"}, "password2", "same password"),
        ({"name": "Я" * 151}, "name", "at most 150 characters"),
        # a valid address, longer than the account's column (Django's form field takes 320)
        ({"email": LONG_EMAIL}, "email", "at most 254 characters"),
    ],
)
def test_signup_rejects_bad_input_with_a_message_and_saves_nothing(
    client, mailoutbox, overrides, field, message
):
    response = _signup(client, **overrides)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert message in response.content.decode()
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert not OutgoingMail.objects.exists()
    assert mailoutbox == []


def test_signup_accepts_cyrillic_and_emoji_in_name_and_password(client):
    password = "Пароль-🔐-надёжный-2026"
    response = _signup(
        client,
        email="user@xn--e1afmkfd.xn--p1ai",
        name="Ольга 🚀 Смирнова",
        password1=password,
        password2=password,
    )
    assert response.status_code == 302
    user = User.objects.get(email="user@xn--e1afmkfd.xn--p1ai")
    assert user.name == "Ольга 🚀 Смирнова"
    assert user.check_password(password)


def test_duplicate_email_in_any_case_creates_nothing_and_tells_the_owner(client, mailoutbox):
    """allauth's enumeration protection: the page does not reveal that the address is taken;
    the owner of the address gets a mail saying an account already exists."""
    UserFactory(email="taken@example.org", preferred_language="ru")  # mails in its language

    response = _signup(client, url=SIGNUP_RU, email="TAKEN@example.org")

    assert response.status_code == 302
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert EmailAddress.objects.filter(email__iexact="taken@example.org").count() == 1
    assert send_queued() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["taken@example.org"]
    assert "/ru/accounts/password/reset/" in mailoutbox[0].body
    assert "уже существует" in mailoutbox[0].subject


def test_error_messages_come_in_russian_on_russian_pages(client):
    response = _signup(client, url=SIGNUP_RU, email="not-an-email")

    assert response.status_code == 200
    assert "Введите правильный адрес электронной почты." in response.content.decode()
    assert User.objects.count() == 0


def test_password_reset_sends_a_link(client, mailoutbox):
    UserFactory(email="forgetful@example.org")

    response = client.post("/en/accounts/password/reset/", {"email": "forgetful@example.org"})

    assert response.status_code == 302
    (row,) = queued("account.password_reset_key")
    assert row.to_email == "forgetful@example.org"
    assert send_queued() == 1
    assert len(mailoutbox) == 1
    assert "/en/accounts/password/reset/key/" in mailoutbox[0].body


def test_email_change_adds_an_address_that_needs_confirmation(client, mailoutbox):
    user = UserFactory(email="old@example.org")
    client.force_login(user)

    response = client.post("/en/accounts/email/", {"action_add": "", "email": "new@example.org"})

    assert response.status_code == 302
    added = EmailAddress.objects.get(email="new@example.org")
    assert added.user == user
    assert added.verified is False
    send_queued()
    assert mailoutbox[-1].to == ["new@example.org"]


def test_role_groups_exist():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/en/accounts/password/reset/", "at most 254 characters"),
        ("/ru/accounts/password/reset/", "не длиннее 254 символов"),
    ],
)
def test_password_reset_with_an_address_too_long_for_an_account_says_so(client, url, message):
    response = client.post(url, {"email": LONG_EMAIL})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["email"])
    assert LONG_EMAIL in response.content.decode()  # kept in the box
    assert not OutgoingMail.objects.exists()
