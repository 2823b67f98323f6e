from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress

from portal.accounts import personal_data
from portal.accounts.models import User
from portal.accounts.personal_data import PersonalDataSection
from portal.reference.models import Country
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def russia() -> Country:
    return Country.objects.get_or_create(
        code="RU", defaults={"name_en": "Russia", "name_ru": "Россия", "status": "third"}
    )[0]


def test_profile_requires_login(client):
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/login/")


def test_profile_page_query_count_is_constant(client, django_assert_num_queries, russia):
    user = UserFactory(country=russia)
    client.force_login(user)
    # session, user, countries for the select
    with django_assert_num_queries(3):
        response = client.get("/en/accounts/profile/")
    assert response.status_code == 200
    assert user.email in response.content.decode()


def test_profile_update_saves_and_switches_language(client, russia):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/en/accounts/profile/",
        {
            "name": "Дмитрий 🧪 Петров",
            "organisation_name": "ИЯФ СО РАН / Budker Institute",
            "country": russia.pk,
            "preferred_language": "ru",
        },
    )

    assert response.status_code == 302
    assert response.url == "/ru/accounts/profile/"
    assert response.cookies["django_language"].value == "ru"
    user.refresh_from_db()
    assert user.name == "Дмитрий 🧪 Петров"
    assert user.organisation_name == "ИЯФ СО РАН / Budker Institute"
    assert user.country == russia
    assert user.preferred_language == "ru"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "x" * 151}, "name"),
        ({"organisation_name": "y" * 256}, "organisation_name"),
        ({"country": "999999"}, "country"),
        ({"country": "RU'; DROP TABLE"}, "country"),
        ({"preferred_language": "klingon"}, "preferred_language"),
    ],
)
def test_profile_bad_input_re_renders_and_keeps_the_old_values(client, data, field):
    user = UserFactory(name="Original Name")
    client.force_login(user)
    payload = {"name": "Changed", "organisation_name": "", "preferred_language": "en"}
    payload.update(data)

    response = client.post("/en/accounts/profile/", payload)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    user.refresh_from_db()
    assert user.name == "Original Name"


def test_download_my_data_holds_everything_and_includes_registered_sections(client, russia):
    user = UserFactory(email="me@example.org", name="Мария", country=russia)
    client.force_login(user)
    personal_data.register(
        PersonalDataSection(key="test_extra", label="Extra", export=lambda u: {"id": u.pk})
    )
    try:
        response = client.get("/en/accounts/profile/data/")
    finally:
        personal_data._sections.pop("test_extra")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    account = data["sections"]["account"]
    assert account["email"] == "me@example.org"
    assert account["name"] == "Мария"
    assert account["country"] == "RU"
    assert account["roles"] == ["Researcher"]
    assert data["sections"]["email_addresses"] == [
        {"email": "me@example.org", "verified": True, "primary": True}
    ]
    assert data["sections"]["test_extra"] == {"id": user.pk}
    assert "password" not in response.content.decode()


def test_delete_account_with_wrong_password_keeps_everything(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post("/en/accounts/profile/delete/", {"password": "wrong", "confirm": "on"})

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_needs_the_confirmation_box(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post("/en/accounts/profile/delete/", {"password": PASSWORD})

    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_erases_the_user_and_runs_registered_erasers(client):
    user = UserFactory()
    other = UserFactory()
    client.force_login(user)
    erased: list[int] = []
    personal_data.register(
        PersonalDataSection(
            key="test_erase",
            label="Erase",
            export=lambda u: None,
            erase=lambda u: erased.append(u.pk),
        )
    )
    try:
        response = client.post(
            "/en/accounts/profile/delete/", {"password": PASSWORD, "confirm": "on"}
        )
    finally:
        personal_data._sections.pop("test_erase")

    assert response.status_code == 302
    assert response.url == "/en/"
    assert erased == [user.pk]
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(user_id=user.pk).exists()
    assert User.objects.filter(pk=other.pk).exists()
    assert "_auth_user_id" not in client.session
