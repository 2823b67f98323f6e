from __future__ import annotations

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db

# The home page, /partners/, /calls/, /events/, /contacts/ and /newsletter/ read the database:
# the home page is pinned below, the events list in tests/events, the partner and call lists in
# tests/cooperation/test_public_pages.py, the contact points' directory in
# tests/fp7_contacts/test_directory.py, the newsletter's form in tests/newsletter, the twinning
# requests in tests/twinning/test_queries.py.
SECTIONS = [
    "/{lang}/privacy/",
    "/{lang}/accessibility/",
]


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("path", SECTIONS)
def test_public_pages_render_in_both_languages_without_queries(
    client, django_assert_num_queries, path, lang
):
    with django_assert_num_queries(0):
        response = client.get(path.format(lang=lang))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'href="#main"' in html
    assert '<main id="main"' in html


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_home_page_renders_in_both_languages_with_one_query(
    client, django_assert_num_queries, lang
):
    # One query: the "Calls closing soon" block of the cooperation app (open calls, nearest
    # deadline first), whatever the number of calls.
    with django_assert_num_queries(1):
        response = client.get(f"/{lang}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'href="#main"' in html
    assert '<main id="main"' in html


def test_root_redirects_to_a_language_prefix(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/en/"


def test_root_follows_the_browser_language(client):
    response = client.get("/", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert response.url == "/ru/"


def test_home_page_is_in_russian_on_the_russian_prefix(client):
    with translation.override("ru"):
        expected = translation.gettext("What the portal offers")
    assert expected != "What the portal offers", "Russian catalogue is missing this string"

    response = client.get("/ru/")

    assert expected in response.content.decode()


def test_language_switch_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/en/calls/"})
    assert response.status_code == 302
    assert response.url == "/ru/calls/"


@pytest.mark.parametrize(
    ("browser", "page", "chosen", "expected"),
    [
        ("ru", "/en/calls/", "ru", "/ru/calls/"),
        ("ru-RU,ru;q=0.9", "/en/partners/?q=physics", "ru", "/ru/partners/?q=physics"),
        ("ru", "/en/events/", "ru", "/ru/events/"),
        ("en-GB,en;q=0.8", "/ru/offers/", "en", "/en/offers/"),
        ("en", "/ru/", "en", "/en/"),
        ("de", "/ru/accounts/login/", "en", "/en/accounts/login/"),
    ],
)
def test_the_switch_works_whatever_the_browsers_language(client, browser, page, chosen, expected):
    response = client.post(
        "/i18n/setlang/",
        {"language": chosen, "next": page},
        HTTP_ACCEPT_LANGUAGE=browser,
    )
    assert response.status_code == 302
    assert response.url == expected


def test_unknown_page_is_a_404_not_a_500(client):
    assert client.get("/en/no-such-page/").status_code == 404


def test_header_shows_account_menu_for_visitors_and_members(client):
    from tests.accounts.factories import UserFactory

    html = client.get("/en/").content.decode()
    assert "/en/accounts/login/" in html
    assert "/en/accounts/signup/" in html

    client.force_login(UserFactory())
    html = client.get("/en/").content.decode()
    assert "/en/accounts/profile/" in html
    assert "/en/accounts/logout/" in html


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Page not found"), ("ru", "Страница не найдена")]
)
def test_404_is_a_page_of_the_site_in_its_language(client, lang, title):
    response = client.get(f"/{lang}/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in html
    assert f'<html lang="{lang}">' in html
    assert "img/logo.svg" in html
    assert "img/favicon.svg" in html
    assert 'class="main-nav"' in html


@pytest.mark.parametrize(("lang", "title"), [("en", "Access denied"), ("ru", "Доступ запрещён")])
def test_403_is_a_page_of_the_site_in_its_language_with_the_reason(client, lang, title):
    from tests.cooperation.factories import quick_user

    client.force_login(quick_user())
    response = client.get(f"/{lang}/offers/review/")
    html = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{title}</h1>" in html
    assert f'<html lang="{lang}">' in html
    assert "403 Forbidden" not in html


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Something went wrong"), ("ru", "Что-то пошло не так")]
)
def test_500_page_in_the_sites_language(lang, title):
    from django.test import RequestFactory
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override(lang):
        response = server_error(RequestFactory().get(f"/{lang}/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{title}</h1>" in html
    assert f'<html lang="{lang}">' in html


def test_the_chrome_links_are_those_of_the_pages_language_whichever_came_first(client):
    """The header's and footer's links and assets are worked out once per process
    (``{% site_url %}``, ``{% site_static %}``): each language keeps its own prefix."""
    import re

    for lang in ["en", "ru", "en", "ru"]:
        html = client.get(f"/{lang}/privacy/").content.decode()
        nav = html[
            html.index('class="nav-menu-list"') : html.index("</nav>", html.index("main-nav"))
        ]
        links = re.findall(r'href="([^"]+)"', nav)
        assert f"/{lang}/partners/" in links
        assert f"/{lang}/events/" in links
        assert all(link.startswith(f"/{lang}/") for link in links)
        assert f'href="/{lang}/accessibility/"' in html  # the footer
        assert f'action="/{lang}/accounts/logout/"' not in html  # a visitor: no logout form
        assert f'href="/{lang}/accounts/login/"' in html
        assert re.search(
            r'<link rel="stylesheet" href="/static/css/portal(\.[0-9a-f]+)?\.css">', html
        )
