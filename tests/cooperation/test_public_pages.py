"""Public pages of partners, offers and calls: content, visibility, queries, bad input."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cooperation.models import CooperationOffer, FundingCall, ResearcherProfile
from cooperation.selectors.calls import calls_closing_soon
from tests.accounts.factories import UserFactory
from tests.cooperation.factories import (
    FundingCallFactory,
    OfferFactory,
    OrganisationFactory,
    ParticipationFactory,
    ResearcherProfileFactory,
    country,
    site_staff_user,
    theme,
    utc,
)

pytestmark = pytest.mark.django_db

LANGS = ["en", "ru"]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(name: str, lang: str = "en", *args: object) -> str:
    with translation.override(lang):
        return reverse(f"cooperation:{name}", args=args)


def no_email(html: str) -> bool:
    # The only "@" allowed is none at all: pages never show an e-mail address.
    return not EMAIL.search(html)


@pytest.fixture
def registry() -> dict[str, object]:
    health, ict = theme("HEALTH"), theme("ICT")
    tomsk = OrganisationFactory(
        name="Tomsk Polytechnic University",
        name_alt="Томский политехнический университет",
        country=country("RU"),
        city="Tomsk",
        themes=[health],
        fp7_participations=2,
        fp7_coordinations=1,
        fp7_ec_contribution=350000,
    )
    ParticipationFactory(organisation=tomsk, project_acronym="NANOMED", role="coordinator")
    ParticipationFactory(organisation=tomsk, project_acronym="PHOTONICS4ALL")
    berlin = OrganisationFactory(name="Berlin Institute", type="research", themes=[ict])
    draft = OrganisationFactory(name="Unpublished Draft Org", published=False)
    public = ResearcherProfileFactory(
        user=UserFactory(name="Anna Public", email="anna.public@example.org"),
        organisation=tomsk,
        themes=[health],
    )
    members = ResearcherProfileFactory(
        user=UserFactory(name="Boris Members", email="boris.members@example.org"),
        organisation=berlin,
        visibility=ResearcherProfile.Visibility.MEMBERS,
    )
    hidden = ResearcherProfileFactory(
        user=UserFactory(name="Clara Hidden", email="clara.hidden@example.org"),
        organisation=berlin,
        visibility=ResearcherProfile.Visibility.HIDDEN,
    )
    now = timezone.now()
    call = FundingCallFactory(
        title="Photonics for health",
        identifier="HORIZON-HLTH-2030-01",
        programme=FundingCall.Programme.HORIZON_EUROPE,
        themes=[health],
        eligible_countries=[country("RU"), country("DE")],
        deadlines=[(now + datetime.timedelta(days=10), "Europe/Moscow")],
    )
    offer = OfferFactory(
        title="Partner sought for graphene sensors",
        organisation=tomsk,
        themes=[health],
        call=call,
        author=UserFactory(email="offer.author@example.org"),
    )
    expired = OfferFactory(
        title="Expired offer", expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    draft_offer = OfferFactory(title="Draft offer", status=CooperationOffer.Status.DRAFT)
    return {
        "tomsk": tomsk,
        "berlin": berlin,
        "draft": draft,
        "public": public,
        "members": members,
        "hidden": hidden,
        "call": call,
        "offer": offer,
        "expired": expired,
        "draft_offer": draft_offer,
    }


# -- list pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_partner_page_lists_published_organisations_with_facets(client, registry, lang):
    html = client.get(url("partner_index", lang)).content.decode()

    assert f'<html lang="{lang}">' in html
    assert "Tomsk Polytechnic University" in html
    assert "Томский политехнический университет" in html
    assert "Berlin Institute" in html
    assert "Unpublished Draft Org" not in html
    # Facets are a plain GET form with labelled checkboxes and counts.
    assert 'method="get"' in html
    assert 'name="country" value="RU"' in html
    label = "Россия" if lang == "ru" else "Russia"
    assert re.search(
        rf'<label for="f-country-\d+">{label} <span class="facet-count">\(1\)</span>', html
    )
    assert no_email(html)


@pytest.mark.parametrize("lang", LANGS)
def test_result_rows_name_their_country_in_the_pages_language(client, registry, lang):
    label = "Россия" if lang == "ru" else "Russia"
    other = "Russia" if lang == "ru" else "Россия"
    for params in ({}, {"q": "Tomsk"}):  # browsing and searching
        html = client.get(url("partner_index", lang), params).content.decode()
        metas = re.findall(r'<p class="result-meta">([^<]*)</p>', html)
        assert any(re.search(rf"(, | · ){label}( · |$)", meta) for meta in metas), params
        assert not any(other in meta for meta in metas), params


@pytest.mark.parametrize("lang", LANGS)
def test_researchers_follow_their_visibility(client, registry, lang):
    path = url("partner_index", lang) + "?kind=researchers"

    html = client.get(path).content.decode()
    assert "Anna Public" in html
    assert "Boris Members" not in html
    assert "Clara Hidden" not in html
    assert no_email(html)

    client.force_login(UserFactory())
    html = client.get(path).content.decode()
    assert "Anna Public" in html
    assert "Boris Members" in html
    assert "Clara Hidden" not in html
    assert no_email(html)


def test_researcher_detail_follows_visibility(client, registry):
    public, members, hidden = registry["public"], registry["members"], registry["hidden"]

    assert client.get(url("researcher_detail", "en", public.pk)).status_code == 200
    assert client.get(url("researcher_detail", "en", members.pk)).status_code == 404
    assert client.get(url("researcher_detail", "en", hidden.pk)).status_code == 404

    client.force_login(UserFactory())
    assert client.get(url("researcher_detail", "en", members.pk)).status_code == 200
    assert client.get(url("researcher_detail", "en", hidden.pk)).status_code == 404
    # Not even its owner or site staff list or show a hidden profile.
    client.force_login(hidden.user)
    assert client.get(url("researcher_detail", "en", hidden.pk)).status_code == 404
    client.force_login(site_staff_user())
    assert client.get(url("researcher_detail", "en", hidden.pk)).status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_researcher_detail_shows_no_email(client, registry, lang):
    client.force_login(UserFactory())
    for key in ("public", "members"):
        response = client.get(url("researcher_detail", lang, registry[key].pk))
        html = response.content.decode()
        assert registry[key].user.name in html
        assert registry[key].user.email not in html
        assert no_email(html)


def test_researcher_without_a_name_is_not_shown_by_email(client):
    profile = ResearcherProfileFactory(user=UserFactory(name="", email="nameless@example.org"))

    for path in (
        url("partner_index") + "?kind=researchers",
        url("researcher_detail", "en", profile.pk),
    ):
        html = client.get(path).content.decode()
        assert "nameless@example.org" not in html
        assert "Researcher without a public name" in html


@pytest.mark.parametrize("lang", LANGS)
def test_organisation_detail_shows_the_fp7_track_record(client, registry, lang):
    tomsk = registry["tomsk"]

    html = client.get(url("organisation_detail", lang, tomsk.pk)).content.decode()

    assert "Tomsk Polytechnic University" in html
    assert "NANOMED" in html
    assert "PHOTONICS4ALL" in html
    assert re.search(r"<dd>2</dd>", html)  # participations
    assert re.search(r"<dd>1</dd>", html)  # coordinations
    assert "350" in html
    assert "000" in html
    assert "Anna Public" in html  # public researcher of the organisation
    assert "Partner sought for graphene sensors" in html
    assert no_email(html)


def test_draft_organisation_is_hidden_but_members_and_staff_see_it(client):
    member = UserFactory()
    draft = OrganisationFactory(name="Draft", published=False, member=member)
    path = url("organisation_detail", "en", draft.pk)

    assert client.get(path).status_code == 404
    client.force_login(UserFactory())
    assert client.get(path).status_code == 404
    for user in (member, site_staff_user(), UserFactory(is_staff=True)):
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200
        assert "This organisation is not published yet" in response.content.decode()


def test_unknown_details_are_404(client):
    for name in ("organisation_detail", "researcher_detail", "offer_detail", "call_detail"):
        assert client.get(url(name, "en", 987654)).status_code == 404
    assert client.get(url("call_ics", "en", 987654)).status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_offer_list_shows_published_current_offers(client, registry, lang):
    html = client.get(url("offer_list", lang)).content.decode()

    assert "Partner sought for graphene sensors" in html
    assert "Expired offer" not in html
    assert "Draft offer" not in html
    assert no_email(html)


def test_offer_detail_for_visitors_authors_and_staff(client, registry):
    offer, draft = registry["offer"], registry["draft_offer"]

    response = client.get(url("offer_detail", "en", offer.pk))
    assert response.status_code == 200
    assert no_email(response.content.decode())
    assert client.get(url("offer_detail", "en", draft.pk)).status_code == 404

    client.force_login(UserFactory())
    assert client.get(url("offer_detail", "en", draft.pk)).status_code == 404
    client.force_login(draft.author)
    assert client.get(url("offer_detail", "en", draft.pk)).status_code == 200
    client.force_login(site_staff_user())
    assert client.get(url("offer_detail", "en", draft.pk)).status_code == 200
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url("offer_detail", "en", draft.pk)).status_code == 200


def test_published_offer_past_its_expiry_date_says_so(client, registry):
    html = client.get(url("offer_detail", "en", registry["expired"].pk)).content.decode()
    assert "This offer has expired." in html


@pytest.mark.parametrize("lang", LANGS)
def test_call_list_and_detail(client, registry, lang):
    call = registry["call"]

    html = client.get(url("call_index", lang)).content.decode()
    assert "Photonics for health" in html
    assert "HORIZON-HLTH-2030-01" in html
    assert ("Открыт" if lang == "ru" else "Open") in html or "status-open" in html

    html = client.get(url("call_detail", lang, call.pk)).content.decode()
    assert "Photonics for health" in html
    assert ("время: Москва" if lang == "ru" else "Moscow time") in html  # the zone's city
    assert "UTC" in html


def test_call_detail_shows_deadlines_in_the_calls_time_zone_and_utc(client):
    call = FundingCallFactory(
        opens_at=utc(2030, 1, 10, 9, 0),
        deadlines=[
            (utc(2030, 6, 15, 15, 0), "Europe/Brussels"),  # 17:00 CEST
            (utc(2030, 12, 1, 12, 30), "Europe/Moscow"),  # 15:30 MSK
        ],
    )

    html = client.get(url("call_detail", "en", call.pk)).content.decode()

    assert '15 June 2030, 17:00</time> <span class="tz-name">(Brussels time)' in html
    assert "15 June 2030, 15:00 UTC" in html
    assert '1 December 2030, 15:30</time> <span class="tz-name">(Moscow time)' in html
    assert "1 December 2030, 12:30 UTC" in html
    assert 'datetime="2030-06-15T17:00:00+02:00"' in html

    html = client.get(url("call_detail", "ru", call.pk)).content.decode()
    assert "15 июня 2030 г., 17:00" in html
    assert "1 декабря 2030 г., 15:30" in html


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2030, 3, 1, 8, 59, 59), "forthcoming"),
        (utc(2030, 3, 1, 9, 0, 0), "open"),  # opening instant: open
        (utc(2030, 5, 31, 15, 0, 0), "open"),  # final deadline instant: still open
        (utc(2030, 5, 31, 15, 0, 1), "closed"),
    ],
)
def test_call_status_is_derived_from_dates_at_the_boundaries(moment, expected):
    from cooperation.selectors.calls import call_get, call_list

    call = FundingCallFactory(
        opens_at=utc(2030, 3, 1, 9, 0), deadlines=[utc(2030, 4, 1, 15, 0), utc(2030, 5, 31, 15, 0)]
    )

    assert call.status_at(moment) == expected
    got = call_get(pk=call.pk, now=moment)
    assert got is not None
    assert got.current_status == expected
    # The database rule (filter and facet) agrees with the Python one.
    result = call_list({"status": expected}, now=moment)
    assert [c.pk for c in result.page.object_list] == [call.pk]
    counts = {o.value: o.count for o in result.facets["status"].options}
    assert counts == {expected: 1}


def test_call_without_deadline_is_open_once_opened():
    call = FundingCallFactory(opens_at=utc(2030, 3, 1, 9, 0))
    assert call.closes_at is None
    assert call.status_at(utc(2030, 3, 1, 9, 0)) == "open"
    assert call.status_at(utc(2040, 1, 1)) == "open"


# -- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_by_name_in_either_script(client, registry, lang):
    html = client.get(url("partner_index", lang), {"q": "Томский"}).content.decode()
    assert "Tomsk Polytechnic University" in html
    assert "Berlin Institute" not in html
    # Relevance is offered and chosen when searching.
    assert '<option value="relevance" selected>' in html


def test_a_name_with_markup_is_shown_as_text(client):
    OrganisationFactory(name="Evil <script>alert(1)</script> Institute")

    html = client.get(url("partner_index"), {"q": "Evil"}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_an_excerpt_highlights_the_match_and_shows_markup_in_the_text_as_text(client):
    OrganisationFactory(
        name="Tomsk Plasma Laboratory",
        description="Plasma <b>physics</b> for R&D <script>alert(1)</script> on the Tomsk campus.",
    )

    html = client.get(url("partner_index"), {"q": "plasma"}).content.decode()
    snippet = re.search(r'<p class="snippet"[^>]*>(.*?)</p>', html, re.S)

    assert snippet is not None
    # the match marked, the text's own markup never markup (ts_headline drops tags), "&" escaped
    assert "<mark>Plasma</mark>" in snippet.group(1)
    assert "R&amp;D" in snippet.group(1)
    assert re.sub(r"</?mark>", "", snippet.group(1)).count("<") == 0
    assert "<script>" not in html


# -- sorting and pagination -----------------------------------------------------------------


def _names(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="result-title"><a href="[^"]+"(?: lang="\w\w")?>([^<]+)</a>', html
    )


def test_sorting_by_name_newest_and_nonsense(client):
    now = timezone.now()
    OrganisationFactory(name="beta", created_at=now - datetime.timedelta(days=2))
    OrganisationFactory(name="Alpha", created_at=now - datetime.timedelta(days=3))
    OrganisationFactory(name="Gamma", created_at=now - datetime.timedelta(days=1))
    path = url("partner_index")

    by_name = ["Alpha", "beta", "Gamma"]  # case-insensitive
    assert _names(client.get(path).content.decode()) == by_name
    assert _names(client.get(path, {"sort": "name"}).content.decode()) == by_name
    assert _names(client.get(path, {"sort": "newest"}).content.decode()) == [
        "Gamma",
        "beta",
        "Alpha",
    ]
    # Unknown sorts, and relevance without a search, fall back to the default.
    for sort in ("nonsense", "relevance", "-name"):
        response = client.get(path, {"sort": sort})
        assert response.status_code == 200
        assert _names(response.content.decode()) == by_name


def test_calls_sort_by_nearest_deadline_then_closed(client):
    now = timezone.now()
    later = FundingCallFactory(title="Later", deadlines=[now + datetime.timedelta(days=40)])
    sooner = FundingCallFactory(title="Sooner", deadlines=[now + datetime.timedelta(days=3)])
    closed = FundingCallFactory(title="Closed", deadlines=[now - datetime.timedelta(days=3)])
    assert {later.pk, sooner.pk, closed.pk}

    html = client.get(url("call_index")).content.decode()
    assert _names(html) == ["Sooner", "Later", "Closed"]
    html = client.get(url("call_index"), {"sort": "name"}).content.decode()
    assert _names(html) == ["Closed", "Later", "Sooner"]


def test_invalid_page_numbers_show_first_or_last_page(client):
    for n in range(25):
        OrganisationFactory(name=f"Org {n:02d}")
    path = url("partner_index")

    last = client.get(path, {"page": "99999", "per_page": "10"})
    assert last.status_code == 200
    assert _names(last.content.decode()) == [f"Org {n:02d}" for n in range(20, 25)]
    assert 'aria-current="page"><span class="visually-hidden">Page </span>3<' in (
        last.content.decode()
    )

    first = client.get(path, {"page": "abc", "per_page": "10"})
    assert _names(first.content.decode())[0] == "Org 00"
    for bad in ("0", "-3", "1e9", "", "\x00", "99999999999999999999999999"):
        assert client.get(path, {"page": bad}).status_code == 200


def test_pagination_links_keep_the_filters(client):
    for n in range(12):
        OrganisationFactory(name=f"Org {n:02d}", country=country("FR"))

    html = client.get(url("partner_index"), {"country": "FR", "per_page": "10"}).content.decode()

    assert "?country=FR&amp;per_page=10&amp;page=2" in html


# -- query counts ---------------------------------------------------------------------------


def _organisations(n: int) -> None:
    themes = [theme("HEALTH"), theme("ICT"), theme("ENERGY")]
    for i in range(n):
        org = OrganisationFactory(
            country=country("RU" if i % 2 else "DE"), themes=themes[: 1 + i % 3]
        )
        ParticipationFactory(organisation=org)


# total and facets (one UNION ALL query: the COUNT and the three facet queries went into it),
# rows (with the ids of their themes, so the themes prefetch went, the labels come from the
# theme facet; the names of their countries are the process's: reference.selectors.labels)
ORGANISATION_LIST_QUERIES = 2
# count, rows (+user, organisation, country), themes, facets: country, theme
RESEARCHER_LIST_QUERIES = 5
# count, rows (+organisation, country, call), themes, facets: type, country, theme, programme
OFFER_LIST_QUERIES = 7
# count, rows (with next deadline), themes, facets: status, deadline, programme, theme, country
CALL_LIST_QUERIES = 8


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # With no rows only the count and the facets are queried (no page, no prefetch).
        ("/{lang}/partners/", 1),  # total and facets only
        ("/{lang}/partners/?kind=researchers", RESEARCHER_LIST_QUERIES - 2),
        ("/{lang}/offers/", OFFER_LIST_QUERIES - 2),
        ("/{lang}/calls/", CALL_LIST_QUERIES - 2),
    ],
)
def test_empty_lists_render_in_both_languages(
    client, django_assert_num_queries, path, queries, lang
):
    with django_assert_num_queries(queries):
        response = client.get(path.format(lang=lang))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert 'class="result-empty"' in html


@pytest.mark.parametrize(("rows", "page_size"), [(3, 5), (12, 5), (12, 10), (30, 20), (30, 50)])
def test_organisation_list_queries_are_constant(client, django_assert_num_queries, rows, page_size):
    _organisations(rows)

    # + the names of every country and theme, read the first time the process names one
    # (every test starts without them: conftest), then kept for LABELS_SECONDS: one statement
    # for both tables
    with django_assert_num_queries(ORGANISATION_LIST_QUERIES + 1):
        response = client.get(url("partner_index"), {"per_page": 10 if page_size == 10 else 20})
    assert response.status_code == 200

    from cooperation.selectors.partners import organisation_list

    # Browsing again: the total and facets come from the cache (browse only, never a search).
    with django_assert_num_queries(ORGANISATION_LIST_QUERIES - 1):
        result = organisation_list({}, page=1, page_size=page_size)
    assert len(result.page.object_list) == min(rows, page_size)
    assert result.total == rows

    # A search: the corrections of its words, the probe that reads and ranks the matches in
    # two statements (tier 4's, then, as no more than COUNT_LIMIT match it, every tier's; each
    # a savepoint, the statement with its limits, the limits set back, the release: one
    # statement outside a transaction; with no more than COUNT_LIMIT matches nothing else
    # ranks them), the rows of the page by id (the facets are counted from the probe's rows and
    # named from the labels the browsing read); a page past the last one shows the last page;
    # and, the first time a process searches (then every STATISTICS_SECONDS), the table's
    # statistics of its words (engine.estimated_share).
    last_page = -(-rows // page_size)
    with django_assert_num_queries(11):
        searched = organisation_list({"q": "Organisation"}, page=2, page_size=page_size)
    assert searched.total == rows
    assert searched.page.number == min(2, last_page)
    assert len(searched.page.object_list) == min(
        page_size, rows - (searched.page.number - 1) * page_size
    )

    # A used model-choice filter adds the form's check that the ids exist (and the facet's
    # label of the chosen theme); with filters the facets count the matches of the search
    # without filters: two more statements (tier 4's, then every tier's; 8 in a transaction).
    # The names of the countries and themes counted are the process's, read by the first
    # search (reference.selectors.labels), and so are the statistics: two statements fewer.
    ict = theme("ICT")
    with django_assert_num_queries(12 + 2 + 8 - 2):
        organisation_list(
            {"country": ["RU", "DE"], "theme": str(ict.pk), "q": "Organisation"},
            page=2,
            page_size=page_size,
        )


@pytest.mark.parametrize("rows", [2, 15])
def test_researcher_list_queries_are_constant(client, django_assert_num_queries, rows):
    for i in range(rows):
        ResearcherProfileFactory(themes=[theme("HEALTH"), theme("ICT")][: 1 + i % 2])

    with django_assert_num_queries(RESEARCHER_LIST_QUERIES):
        assert client.get(url("partner_index"), {"kind": "researchers"}).status_code == 200
    client.force_login(UserFactory())
    # + session and user
    with django_assert_num_queries(RESEARCHER_LIST_QUERIES + 2):
        assert client.get(url("partner_index"), {"kind": "researchers"}).status_code == 200


@pytest.mark.parametrize(("rows", "page_size"), [(2, 10), (15, 10), (15, 50)])
def test_offer_list_queries_are_constant(client, django_assert_num_queries, rows, page_size):
    call = FundingCallFactory()
    for i in range(rows):
        OfferFactory(
            themes=[theme("HEALTH"), theme("ICT")][: 1 + i % 2], call=call if i % 2 else None
        )

    with django_assert_num_queries(OFFER_LIST_QUERIES):
        assert client.get(url("offer_list"), {"per_page": page_size}).status_code == 200


@pytest.mark.parametrize(("rows", "page_size"), [(2, 10), (15, 10), (15, 50)])
def test_call_list_queries_are_constant(client, django_assert_num_queries, rows, page_size):
    now = timezone.now()
    for i in range(rows):
        FundingCallFactory(
            themes=[theme("HEALTH"), theme("ICT")][: 1 + i % 2],
            eligible_countries=[country("RU")],
            deadlines=[now + datetime.timedelta(days=i + 1), now + datetime.timedelta(days=i + 60)],
        )

    with django_assert_num_queries(CALL_LIST_QUERIES):
        assert client.get(url("call_index"), {"per_page": page_size}).status_code == 200


@pytest.mark.parametrize("related", [1, 6])
def test_detail_page_queries_are_constant(client, django_assert_num_queries, related):
    org = OrganisationFactory(themes=[theme("HEALTH"), theme("ICT")])
    now = timezone.now()
    call = FundingCallFactory(
        themes=[theme("HEALTH")],
        eligible_countries=[country("RU"), country("DE")],
        deadlines=[now + datetime.timedelta(days=d + 1) for d in range(related)],
    )
    for _ in range(related):
        ParticipationFactory(organisation=org)
        ResearcherProfileFactory(organisation=org, themes=[theme("ICT")])
        offer = OfferFactory(organisation=org, themes=[theme("HEALTH")])
    profile = ResearcherProfileFactory(organisation=org, themes=[theme("ICT"), theme("HEALTH")])

    # organisation, themes, participations, researchers, offers
    with django_assert_num_queries(5):
        assert client.get(url("organisation_detail", "en", org.pk)).status_code == 200
    # profile (+user, organisation, country), themes
    with django_assert_num_queries(2):
        assert client.get(url("researcher_detail", "en", profile.pk)).status_code == 200
    # offer (+organisation, country, call), themes, sought countries
    with django_assert_num_queries(3):
        assert client.get(url("offer_detail", "en", offer.pk)).status_code == 200
    # call, deadlines, themes, eligible countries
    with django_assert_num_queries(4):
        assert client.get(url("call_detail", "en", call.pk)).status_code == 200


# -- home page block ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_home_shows_the_open_calls_closing_soonest(client, django_assert_num_queries, lang):
    now = timezone.now()
    for days in (20, 2, 9, 5, 30, 14):
        FundingCallFactory(
            title=f"Open call closing in {days} days",
            deadlines=[now + datetime.timedelta(days=days)],
        )
    FundingCallFactory(title="Closed call", deadlines=[now - datetime.timedelta(days=1)])
    FundingCallFactory(
        title="Forthcoming call",
        opens_at=now + datetime.timedelta(days=1),
        deadlines=[now + datetime.timedelta(days=1, hours=1)],
    )
    # A call whose next (first-stage) deadline is soon although its final one is far away.
    FundingCallFactory(
        title="Two-stage call",
        deadlines=[now + datetime.timedelta(days=1), now + datetime.timedelta(days=100)],
    )

    with django_assert_num_queries(1):
        html = client.get(f"/{lang}/").content.decode()

    titles = re.findall(r'<a href="/\w\w/calls/\d+/"(?: lang="\w\w")?>([^<]+)</a>', html)
    assert titles == [
        "Two-stage call",
        "Open call closing in 2 days",
        "Open call closing in 5 days",
        "Open call closing in 9 days",
        "Open call closing in 14 days",
    ]
    with translation.override(lang):
        assert translation.gettext("Calls closing soon") in html


def test_closing_soon_selector_uses_the_next_deadline_and_its_time_zone():
    now = utc(2030, 1, 1, 12, 0)
    call = FundingCallFactory(
        opens_at=utc(2029, 12, 1),
        deadlines=[(utc(2030, 1, 5, 14, 0), "Europe/Moscow"), (utc(2030, 2, 1), "Europe/Brussels")],
    )

    [soon] = calls_closing_soon(now=now)

    assert soon.pk == call.pk
    assert soon.next_deadline == utc(2030, 1, 5, 14, 0)  # type: ignore[attr-defined]
    assert soon.next_deadline_tz == "Europe/Moscow"  # type: ignore[attr-defined]
    assert calls_closing_soon(now=utc(2030, 2, 1, 0, 0, 1)) == []


# -- bad input ------------------------------------------------------------------------------

BAD_PARAMS = [
    {"q": '"unbalanced quote'},
    {"q": "&|!:*()"},
    {"q": "a & b | !c:* (d)"},
    {"q": "'; DROP TABLE cooperation_organisation; --"},
    {"q": "x" * 10_000},
    {"q": "nul\x00byte"},
    {"q": "\x00"},
    {"q": "Tomsk Томск 東京 تومسك"},
    {"q": "🔬🧪 science 🚀"},
    {"q": "\\"},
    {"q": "%_%"},
    {"country": "XX"},
    {"country": "de"},
    {"country": "D\x00"},
    {"country": ["RU", "ZZ"]},
    {"theme": "abc"},
    {"theme": "99999999999999999999999"},
    {"theme": "-1"},
    {"theme": "1.5"},
    {"type": "spaceship"},
    {"programme": "nope"},
    {"status": "sleeping"},
    {"deadline": "365"},
    {"deadline": "abc"},
    {"page": "abc"},
    {"page": "99999"},
    {"page": "-1"},
    {"per_page": "1000000"},
    {"per_page": "abc"},
    {"sort": "nonsense"},
    {"sort": "relevance"},
    {"kind": "aliens"},
    {"format": "xml"},
    {"q": "Томск", "sort": "deadline", "page": "7", "country": "RU", "theme": "x"},
]
LIST_PAGES = [
    "partner_index",
    "offer_list",
    "call_index",
    "partner_export",
    "offer_export",
    "call_export",
    "feed_atom",
    "call_deadlines_ics",
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", LIST_PAGES)
def test_bad_input_never_fails(client, registry, name, lang):
    path = url(name, lang)
    for params in BAD_PARAMS:
        response = client.get(path, params)
        assert response.status_code == 200, (name, params)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    client.force_login(UserFactory())
    response = client.get(path, {"kind": "researchers", "q": "🔬 \x00 \"'", "country": "??"})
    assert response.status_code == 200
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


@pytest.mark.parametrize("lang", LANGS)
def test_invalid_filters_are_explained_in_the_filter_panel(client, registry, lang):
    response = client.get(url("partner_index", lang), {"country": "XX", "theme": "abc"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="facet-errors" role="alert"' in html
    assert "XX" in html
    # The invalid filters are ignored: every published organisation is listed.
    assert "Tomsk Polytechnic University" in html
    assert "Berlin Institute" in html


def test_huge_search_text_is_cut_and_echoed_safely(client, registry):
    response = client.get(url("partner_index"), {"q": "<b>" + "x" * 10_000})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="&lt;b&gt;xxx' in html
    assert "x" * 10_000 not in html.split("search-q")[1].split(">")[0]


def test_detail_urls_with_bad_ids_are_404(client):
    for path in ("/en/partners/organisations/abc/", "/en/offers/-1/", "/ru/calls/1.5/"):
        assert client.get(path).status_code == 404


def test_a_capped_search_shows_its_total_with_a_plus(client, monkeypatch):
    from portal.search import engine

    _organisations(15)
    monkeypatch.setattr(engine, "COUNT_LIMIT", 12)
    response = client.get(url("partner_index"), {"q": "Organisation", "per_page": 10})
    html = response.content.decode()
    assert re.search(r"12\+\s+results", html)
    assert html.count('class="result"') == 10
    assert "The filter counts describe the first 12 results found." in html


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("partner_index", {}),
        ("partner_index", {"kind": "researchers"}),
        ("offer_list", {}),
        ("call_index", {}),
    ],
)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_search_that_finds_nothing_says_what_to_try(client, registry, name, params, lang):
    with translation.override(lang):
        search_hint = translation.gettext(
            "Check the spelling, try fewer or other words, or clear some filters. Latin and "
            "Cyrillic names find each other."
        )
        filter_hint = translation.gettext("Try clearing some filters.")
    assert (lang == "ru") is (search_hint.startswith("Проверьте"))

    nothing = client.get(url(name, lang), {**params, "q": "qqqzzzxxyy"}).content.decode()
    assert search_hint in nothing

    # filters alone (Antarctica has nothing here): a hint about the filters, not the spelling
    filtered = client.get(url(name, lang), {**params, "country": "AQ"}).content.decode()
    assert 'class="result"' not in filtered
    assert filter_hint in filtered
    assert search_hint not in filtered

    found = client.get(url(name, lang), params).content.decode()
    assert 'class="result"' in found
    assert search_hint not in found
    assert filter_hint not in found


def test_an_organisation_with_figures_but_no_listed_projects_does_not_contradict_itself(client):
    """CORDIS summaries give the counts without the projects: the page said "FP7 participations
    52", then "No FP7 participations are recorded"."""
    organisation = OrganisationFactory(name="Summary Only Institute", fp7_participations=52)
    html = client.get(url("organisation_detail", "en", organisation.pk)).content.decode()
    assert "<dd>52</dd>" in html
    assert "No FP7 participations are recorded" not in html
    assert "CORDIS summary" in html

    none = OrganisationFactory(name="New Institute", fp7_participations=0)
    html = client.get(url("organisation_detail", "en", none.pk)).content.decode()
    assert "No FP7 participations are recorded" in html


@pytest.mark.parametrize("name", ["partner_index", "offer_list", "call_index"])
def test_a_search_typed_on_an_unsearched_list_keeps_relevance(client, registry, name):
    """The sort box is sent with the query: on the page without a search it defaulted to "Name"
    (?q=energy&sort=name), and the search lost its relevance order."""
    html = client.get(url(name, "en")).content.decode()
    selected = re.search(r'<select id="sort-select" name="sort">(.*?)</select>', html, re.S)
    assert selected is not None
    assert re.search(r'<option value="relevance" selected>', selected.group(1))


def test_organisation_results_show_each_row_escaped_and_translated(client):
    moscow = OrganisationFactory(
        name="МГУ <b>имени</b> Ломоносова",
        name_alt='Lomonosov "Moscow" State University & Co',
        city="Москва",
        country=country("RU"),
        fp7_participations=3,
        description="Лазерная физика и фотоника. " * 30,
        themes=[theme("ICT")],
    )
    OrganisationFactory(name="Plain Photonics Works", fp7_participations=0, description="")
    for lang, participations, ict in (
        ("en", "3 FP7 participations", "Information"),
        ("ru", "3 участия в FP7", "Информационные"),
    ):
        html = client.get(url("partner_index", lang)).content.decode()
        row = html[html.index(f'href="{url("organisation_detail", lang, moscow.pk)}"') :]
        row = row[: row.index("</ol>")].split('<li class="result">')[0]
        # the names as text, each marked with its language when not the page's
        assert "МГУ &lt;b&gt;имени&lt;/b&gt; Ломоносова</a>" in row
        assert "Lomonosov &quot;Moscow&quot; State University &amp; Co</span>" in row
        assert ('lang="ru"' in row) == (lang == "en")
        assert ('lang="en"' in row) == (lang == "ru")
        assert participations in row
        assert "Москва, " in row
        assert ict in row
        # browsing: the description's first forty words
        assert row.count("Лазерная физика") == 10
        assert "Лазерная физика и фотоника. …" in row
    # a search: the excerpt, with the words marked, and nothing for a row without one
    html = client.get(url("partner_index"), {"q": "photonics OR фотоника"}).content
    page = html.decode()
    assert "<mark>фотоника</mark>" in page
    assert page.count('<p class="snippet">') == 1
    assert "Plain Photonics Works" in page
