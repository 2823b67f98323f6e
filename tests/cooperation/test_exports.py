"""CSV exports of the public lists: UTF-8 with BOM, Cyrillic, filters kept, no e-mail, streamed."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from cooperation.models import ResearcherProfile
from tests.accounts.factories import UserFactory
from tests.cooperation.factories import (
    FundingCallFactory,
    OfferFactory,
    OrganisationFactory,
    ResearcherProfileFactory,
    country,
    theme,
    utc,
)

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(name: str, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"cooperation:{name}")


def download(client, path: str, params: dict | None = None) -> tuple[bytes, list[list[str]]]:
    response = client.get(path, params or {})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    raw = response.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark, for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    return raw, rows


@pytest.fixture
def registry() -> None:
    tomsk = OrganisationFactory(
        name="Томский политехнический университет",
        name_alt="Tomsk Polytechnic University",
        country=country("RU"),
        themes=[theme("HEALTH"), theme("ICT")],
        fp7_participations=3,
        website="https://tpu.ru/",
    )
    OrganisationFactory(name="Berlin Institute", country=country("DE"))
    OrganisationFactory(name="Draft organisation", published=False)
    OrganisationFactory(name='=HYPERLINK("http://evil")', country=country("FR"))
    for name, visibility in [
        ("Анна Public", ResearcherProfile.Visibility.PUBLIC),
        ("Boris Members", ResearcherProfile.Visibility.MEMBERS),
        ("Clara Hidden", ResearcherProfile.Visibility.HIDDEN),
    ]:
        ResearcherProfileFactory(
            user=UserFactory(name=name, email=f"{name.split()[1].lower()}@example.org"),
            organisation=tomsk,
            visibility=visibility,
        )
    OfferFactory(
        title="Ищем партнёров", organisation=tomsk, author=UserFactory(email="author@example.org")
    )
    FundingCallFactory(
        identifier="RSF-2030",
        title="Квантовые технологии",
        programme="ru_foundation",
        budget=1000000,
        currency="RUB",
        deadlines=[(utc(2030, 3, 25, 12, 0), "Europe/Moscow")],
    )


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_organisation_csv_has_bom_cyrillic_and_filters(client, registry, lang):
    raw, rows = download(client, url("partner_export", lang))

    header, *body = rows
    # an organisation's name is a "название" in Russian (a person's is an "имя")
    assert header[0] == {"en": "Name", "ru": "Название"}[lang]
    names = [row[0] for row in body]
    assert "Томский политехнический университет" in names
    assert "Berlin Institute" in names
    assert "Draft organisation" not in names
    tomsk = next(row for row in body if row[0].startswith("Томский"))
    assert tomsk[1] == "Tomsk Polytechnic University"
    assert tomsk[4] == ("Россия" if lang == "ru" else "Russia")
    assert tomsk[10] == "3"
    assert tomsk[-1].startswith(f"http://testserver/{lang}/partners/organisations/")
    assert "Томский".encode() in raw

    _raw, rows = download(client, url("partner_export", lang), {"country": "RU"})
    assert [row[0] for row in rows[1:]] == ["Томский политехнический университет"]


def test_format_csv_on_the_list_page_is_the_same_export(client, registry):
    _raw, via_param = download(client, url("partner_index"), {"format": "csv", "country": "DE"})
    _raw, via_path = download(client, url("partner_export"), {"country": "DE"})
    assert via_param == via_path
    assert [row[0] for row in via_path[1:]] == ["Berlin Institute"]


def test_cells_that_look_like_formulas_are_neutralised(client, registry):
    _raw, rows = download(client, url("partner_export"), {"country": "FR"})
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'


def test_researcher_csv_follows_visibility_and_has_no_email(client, registry):
    _raw, rows = download(client, url("partner_export", "ru"), {"kind": "researchers"})
    assert rows[0][0] == "Имя"  # a person's name
    raw, rows = download(client, url("partner_export"), {"kind": "researchers"})
    assert [row[0] for row in rows[1:]] == ["Анна Public"]
    assert not EMAIL.search(raw.decode("utf-8"))

    client.force_login(UserFactory())
    raw, rows = download(client, url("partner_index"), {"kind": "researchers", "format": "csv"})
    assert sorted(row[0] for row in rows[1:]) == ["Boris Members", "Анна Public"]
    assert not EMAIL.search(raw.decode("utf-8"))


@pytest.mark.parametrize("name", ["partner_export", "offer_export", "call_export"])
def test_no_export_contains_an_email_address(client, registry, name):
    client.force_login(UserFactory(email="viewer@example.org"))
    raw, rows = download(client, url(name))
    assert len(rows) > 1  # rows were exported (an empty file has no address either)
    assert not EMAIL.search(raw.decode("utf-8"))


def test_offer_csv(client, registry):
    _raw, rows = download(client, url("offer_export", "ru"))
    _header, offer = rows
    assert offer[0] == "Ищем партнёров"
    assert offer[2] == "Томский политехнический университет"
    _raw, rows = download(client, url("offer_list"), {"format": "csv", "q": "nothing-matches"})
    assert len(rows) == 1  # the header only


def test_call_csv_shows_deadlines_locally_and_in_utc(client, registry):
    _raw, rows = download(client, url("call_export"))
    _header, call = rows
    assert call[0] == "RSF-2030"
    assert call[1] == "Квантовые технологии"
    assert call[3] == "Open"
    assert call[5] == "2030-03-25 15:00 Europe/Moscow (2030-03-25 12:00 UTC)"
    assert call[6] == "1000000.00"
    assert call[7] == "RUB"
    _raw, rows = download(client, url("call_index"), {"format": "csv", "programme": "h2020"})
    assert len(rows) == 1


def test_export_queries_do_not_grow_with_rows(client, django_assert_num_queries):
    now = timezone.now()
    for i in range(30):
        OrganisationFactory(themes=[theme("ICT")])
        FundingCallFactory(
            themes=[theme("HEALTH")], deadlines=[now + datetime.timedelta(days=1 + i)]
        )
    # rows, themes (one chunk)
    with django_assert_num_queries(2):
        b"".join(client.get(url("partner_export")).streaming_content)
    # rows, themes, deadlines
    with django_assert_num_queries(3):
        b"".join(client.get(url("call_export")).streaming_content)
