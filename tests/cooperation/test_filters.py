"""Filters and facet counts of the public lists (selectors and FilterSets)."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone, translation

from cooperation.models import CooperationOffer, FundingCall, Organisation, ResearcherProfile
from cooperation.selectors.calls import call_list
from cooperation.selectors.offers_public import offer_list
from cooperation.selectors.partners import ListResult, organisation_list, researcher_list
from cooperation.services import organisations as organisation_services
from tests.accounts.factories import UserFactory
from tests.cooperation.factories import (
    FundingCallFactory,
    OfferFactory,
    OrganisationFactory,
    ResearcherProfileFactory,
    country,
    site_staff_user,
    theme,
    utc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts(result: ListResult, facet: str) -> dict[str, int]:
    return {o.value: o.count for o in result.facets[facet].options}


def selected(result: ListResult, facet: str) -> set[str]:
    return {o.value for o in result.facets[facet].options if o.selected}


def names(result: ListResult) -> list[str]:
    return [str(getattr(row, "name", None) or getattr(row, "title", "")) for row in result.page]


@pytest.fixture
def organisations() -> dict[str, Organisation]:
    health, ict, energy = theme("HEALTH"), theme("ICT"), theme("ENERGY")
    return {
        "a": OrganisationFactory(
            name="A", country=country("RU"), type="university", themes=[health, ict]
        ),
        "b": OrganisationFactory(name="B", country=country("RU"), type="research", themes=[ict]),
        "c": OrganisationFactory(
            name="C", country=country("DE"), type="university", themes=[energy]
        ),
        "d": OrganisationFactory(name="D", country=country("FR"), type="sme", themes=[]),
        "draft": OrganisationFactory(name="Draft", country=country("FR"), published=False),
    }


def test_organisation_list_has_the_benchmark_signature(organisations):
    result = organisation_list({}, 1, 20)

    assert isinstance(result, ListResult)
    assert result.total == 4
    assert names(result) == ["A", "B", "C", "D"]
    assert result.page.number == 1
    assert result.filterset.form.is_valid()
    assert set(result.facets) == {"country", "type", "theme"}


def test_facet_counts_without_filters(organisations):
    with translation.override("en"):
        result = organisation_list({})

    assert counts(result, "country") == {"RU": 2, "DE": 1, "FR": 1}
    assert counts(result, "type") == {"university": 2, "research": 1, "sme": 1}
    ids = {code: str(theme(code).pk) for code in ("HEALTH", "ICT", "ENERGY")}
    assert counts(result, "theme") == {ids["HEALTH"]: 1, ids["ICT"]: 2, ids["ENERGY"]: 1}
    # Countries by count, then by name: Russia (2), France, Germany.
    assert [o.value for o in result.facets["country"].options] == ["RU", "FR", "DE"]
    assert result.facets["country"].options[0].label == "Russia"


def test_facet_labels_follow_the_language(organisations):
    with translation.override("ru"):
        result = organisation_list({})
        labels = {o.value: o.label for o in result.facets["country"].options}
        type_labels = {o.value: o.label for o in result.facets["type"].options}
    assert labels["RU"] == "Россия"
    assert labels["DE"] == "Германия"
    with translation.override("ru"):
        assert type_labels["university"] == str(Organisation.Type.UNIVERSITY.label)


def test_a_facet_ignores_its_own_filter_but_not_the_others(organisations):
    result = organisation_list({"country": "RU"})

    assert names(result) == ["A", "B"]
    assert result.total == 2
    # Own facet: counted without the country filter, so the other countries stay choosable.
    assert counts(result, "country") == {"RU": 2, "DE": 1, "FR": 1}
    assert selected(result, "country") == {"RU"}
    # Other facets: counted within Russia.
    assert counts(result, "type") == {"university": 1, "research": 1}
    assert counts(result, "theme") == {str(theme("HEALTH").pk): 1, str(theme("ICT").pk): 2}


def test_values_of_one_facet_are_or_and_facets_are_and(organisations):
    result = organisation_list(QueryDict("country=RU&country=FR&type=university&type=sme"))
    assert names(result) == ["A", "D"]
    assert counts(result, "country") == {"RU": 1, "DE": 1, "FR": 1}
    assert counts(result, "type") == {"university": 1, "research": 1, "sme": 1}

    # Plain mappings work too (the benchmark passes dicts), with lists for several values.
    assert names(organisation_list({"country": ["RU", "FR"], "type": ["university", "sme"]})) == [
        "A",
        "D",
    ]


def test_theme_filter_does_not_duplicate_rows(organisations):
    health, ict = theme("HEALTH"), theme("ICT")
    result = organisation_list({"theme": [str(health.pk), str(ict.pk)]})
    assert names(result) == ["A", "B"]
    assert result.total == 2
    assert counts(result, "country") == {"RU": 2}


def test_selected_value_without_rows_still_shows(organisations):
    result = organisation_list({"country": "IT", "type": "university"})

    assert result.total == 0
    options = {o.value: o for o in result.facets["country"].options}
    assert options["IT"].selected
    assert options["IT"].count == 0
    # The type facet counts within Italy: nothing, but "university" (chosen) remains.
    assert [(o.value, o.count, o.selected) for o in result.facets["type"].options] == [
        ("university", 0, True)
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "ru"}, "country"),
        ({"theme": "abc"}, "theme"),
        ({"theme": "1.5"}, "theme"),
        ({"theme": "0"}, "theme"),
        ({"theme": "99999999999999999999999"}, "theme"),
        ({"type": "spaceship"}, "type"),
    ],
)
def test_invalid_values_are_form_errors_and_are_ignored(organisations, params, field):
    result = organisation_list({**params, "sort": "name"})

    assert field in result.errors
    assert result.total == 4
    assert selected(result, field) == set()


def test_a_valid_filter_still_applies_next_to_an_invalid_one(organisations):
    result = organisation_list({"country": "DE", "theme": "abc"})
    assert names(result) == ["C"]
    assert "theme" in result.errors


def test_search_narrows_results_and_facets(organisations):
    OrganisationFactory(name="Graphene Centre Moscow", country=country("RU"))
    OrganisationFactory(name="Graphene Lab Paris", country=country("FR"))

    result = organisation_list({"q": "Graphene"})
    assert sorted(names(result)) == ["Graphene Centre Moscow", "Graphene Lab Paris"]
    assert counts(result, "country") == {"RU": 1, "FR": 1}
    assert result.sort == "relevance"
    assert result.sort_options[0][0] == "relevance"

    result = organisation_list({"q": "Graphene", "country": "FR"})
    assert names(result) == ["Graphene Lab Paris"]
    assert counts(result, "country") == {"RU": 1, "FR": 1}

    result = organisation_list({"q": "Graphene", "sort": "name"})
    assert names(result) == ["Graphene Centre Moscow", "Graphene Lab Paris"]


def test_pages_and_page_sizes(organisations):
    assert names(organisation_list({}, page=2, page_size=3)) == ["D"]
    assert names(organisation_list({}, page=99, page_size=3)) == ["D"]  # the last page
    assert names(organisation_list({}, page=1, page_size=0)) == ["A"]  # at least one row


# -- researchers ----------------------------------------------------------------------------


def test_researcher_list_visibility_and_facets():
    org_ru = OrganisationFactory(country=country("RU"))
    org_de = OrganisationFactory(country=country("DE"))
    ResearcherProfileFactory(
        user=UserFactory(name="Public RU"), organisation=org_ru, themes=[theme("ICT")]
    )
    ResearcherProfileFactory(
        user=UserFactory(name="Members DE"),
        organisation=org_de,
        visibility=ResearcherProfile.Visibility.MEMBERS,
    )
    ResearcherProfileFactory(
        user=UserFactory(name="Hidden RU"),
        organisation=org_ru,
        visibility=ResearcherProfile.Visibility.HIDDEN,
    )
    inactive = UserFactory(name="Inactive RU")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    ResearcherProfileFactory(user=inactive, organisation=org_ru)

    anonymous = researcher_list({})
    assert [p.user.name for p in anonymous.page] == ["Public RU"]
    assert counts(anonymous, "country") == {"RU": 1}

    member = researcher_list({}, viewer=UserFactory())
    assert [p.user.name for p in member.page] == ["Members DE", "Public RU"]
    assert counts(member, "country") == {"RU": 1, "DE": 1}
    assert counts(member, "theme") == {str(theme("ICT").pk): 1}

    assert [p.user.name for p in researcher_list({"country": "DE"}, viewer=UserFactory()).page] == [
        "Members DE"
    ]


def test_researcher_of_an_unpublished_organisation_does_not_show_it():
    draft = OrganisationFactory(name="Secret Draft", published=False)
    ResearcherProfileFactory(organisation=draft)

    [profile] = researcher_list({}).page
    assert profile.public_organisation is None


# -- offers ---------------------------------------------------------------------------------


def test_offer_filters_and_facets():
    call = FundingCallFactory(programme=FundingCall.Programme.HORIZON_EUROPE)
    ru = OrganisationFactory(country=country("RU"))
    de = OrganisationFactory(country=country("DE"))
    OfferFactory(title="One", organisation=ru, type="tech_offer", themes=[theme("ICT")], call=call)
    OfferFactory(title="Two", organisation=de, type="rd_request", themes=[theme("HEALTH")])
    OfferFactory(title="Three", organisation=ru, type="rd_request", themes=[theme("ICT")])
    OfferFactory(title="Closed", organisation=ru, status=CooperationOffer.Status.CLOSED)
    OfferFactory(title="Expires today", organisation=de, expires_on=timezone.localdate())

    result = offer_list({})
    assert sorted(names(result)) == ["Expires today", "One", "Three", "Two"]
    assert counts(result, "type") == {"tech_offer": 1, "rd_request": 3}
    assert counts(result, "programme") == {"horizon_europe": 1}

    result = offer_list({"country": "RU", "type": "rd_request"})
    assert names(result) == ["Three"]
    assert counts(result, "type") == {"tech_offer": 1, "rd_request": 1}
    assert counts(result, "country") == {"RU": 1, "DE": 2}

    assert names(offer_list({"programme": "horizon_europe"})) == ["One"]
    assert names(offer_list({"theme": str(theme("HEALTH").pk)})) == ["Two"]


def test_offer_sorting():
    OfferFactory(
        title="b offer", published_at=utc(2030, 1, 2), expires_on=datetime.date(2099, 1, 1)
    )
    OfferFactory(title="A offer", published_at=utc(2030, 1, 1), expires_on=None)
    OfferFactory(
        title="C offer", published_at=utc(2030, 1, 3), expires_on=datetime.date(2098, 1, 1)
    )

    assert names(offer_list({})) == ["C offer", "b offer", "A offer"]
    assert names(offer_list({"sort": "name"})) == ["A offer", "b offer", "C offer"]
    assert names(offer_list({"sort": "deadline"})) == ["C offer", "b offer", "A offer"]


# -- calls ----------------------------------------------------------------------------------

NOW = utc(2030, 6, 1, 12, 0)


@pytest.fixture
def calls() -> dict[str, FundingCall]:
    day = datetime.timedelta(days=1)
    return {
        "in3": FundingCallFactory(
            title="In 3 days",
            programme="horizon_europe",
            opens_at=NOW - 30 * day,
            deadlines=[NOW + 3 * day],
            themes=[theme("ICT")],
            eligible_countries=[country("RU")],
        ),
        "in20": FundingCallFactory(
            title="In 20 days",
            programme="horizon_europe",
            opens_at=NOW - 30 * day,
            deadlines=[NOW + 20 * day, NOW + 200 * day],
        ),
        "in60": FundingCallFactory(
            title="In 60 days",
            programme="ru_federal",
            opens_at=NOW - day,
            deadlines=[NOW + 60 * day],
        ),
        "exactly7": FundingCallFactory(
            title="Exactly 7 days",
            programme="bilateral",
            opens_at=NOW - day,
            deadlines=[NOW + 7 * day],
        ),
        "forthcoming": FundingCallFactory(
            title="Forthcoming",
            programme="bilateral",
            opens_at=NOW + day,
            deadlines=[NOW + 100 * day],
        ),
        "closed": FundingCallFactory(
            title="Closed", programme="h2020", opens_at=NOW - 90 * day, deadlines=[NOW - day]
        ),
        "no_deadline": FundingCallFactory(
            title="No deadline", programme="era_net", opens_at=NOW - day
        ),
    }


def test_call_status_filter_and_facet(calls):
    result = call_list({}, now=NOW)
    assert counts(result, "status") == {"open": 5, "forthcoming": 1, "closed": 1}

    result = call_list({"status": ["forthcoming", "closed"]}, now=NOW)
    assert sorted(names(result)) == ["Closed", "Forthcoming"]
    assert counts(result, "status") == {"open": 5, "forthcoming": 1, "closed": 1}
    assert counts(result, "programme") == {"bilateral": 1, "h2020": 1}

    open_calls = call_list({"status": "open"}, now=NOW)
    assert {c.current_status for c in open_calls.page} == {"open"}


def test_call_deadline_windows_are_nested_and_inclusive(calls):
    result = call_list({}, now=NOW)
    assert counts(result, "deadline") == {"7": 2, "30": 3, "90": 4}

    assert sorted(names(call_list({"deadline": "7"}, now=NOW))) == ["Exactly 7 days", "In 3 days"]
    assert sorted(names(call_list({"deadline": "30"}, now=NOW))) == [
        "Exactly 7 days",
        "In 20 days",
        "In 3 days",
    ]
    # The window counts the call's coming deadlines, not only the final one.
    assert "In 20 days" in names(call_list({"deadline": "30"}, now=NOW))
    result = call_list({"deadline": "7", "programme": "bilateral"}, now=NOW)
    assert names(result) == ["Exactly 7 days"]
    assert counts(result, "deadline") == {"7": 1, "30": 1, "90": 1}
    assert [o.selected for o in result.facets["deadline"].options] == [True, False, False]
    assert result.facets["deadline"].multiple is False


def test_call_programme_theme_and_country(calls):
    assert sorted(names(call_list({"programme": "horizon_europe"}, now=NOW))) == [
        "In 20 days",
        "In 3 days",
    ]
    assert names(call_list({"theme": str(theme("ICT").pk)}, now=NOW)) == ["In 3 days"]
    assert names(call_list({"country": "RU"}, now=NOW)) == ["In 3 days"]
    result = call_list({}, now=NOW)
    assert counts(result, "country") == {"RU": 1}


def test_call_sort_by_deadline(calls):
    assert names(call_list({}, now=NOW)) == [
        "In 3 days",
        "Exactly 7 days",
        "In 20 days",
        "In 60 days",
        "Forthcoming",
        "Closed",
        "No deadline",
    ]
    assert names(call_list({"sort": "name"}, now=NOW))[0] == "Closed"


@pytest.mark.parametrize("bad", ["365", "abc", "", "\x00"])
def test_call_bad_deadline_window(calls, bad):
    result = call_list({"deadline": bad}, now=NOW)
    assert result.total == 7
    if bad:
        assert "deadline" in result.errors


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"country": "RU"},
        {"type": ["university", "sme"]},
        {"theme": "ICT"},
        {"country": ["RU", "DE"], "theme": "ICT", "type": "university"},
        {"country": "XX", "type": "nonsense"},
    ],
)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_one_query_summary_counts_like_the_facet_queries(organisations, params, lang):
    """``OrganisationFilterSet.summary`` (one UNION ALL query) == ``facets`` + ``COUNT``."""
    from cooperation.filters import OrganisationFilterSet
    from cooperation.selectors.partners import as_querydict, organisation_public_queryset

    if params.get("theme") == "ICT":
        params = {**params, "theme": str(theme("ICT").pk)}
    base = organisation_public_queryset()
    with translation.override(lang):
        filterset = OrganisationFilterSet(as_querydict(params), queryset=base)
        summary = filterset.summary(base)
        assert summary is not None
        total, facets = summary
        assert total == filterset.apply(base).count()
        assert facets == filterset.facets(base)
        # The same over primary keys (the ranked ids of a search), the draft left out.
        by_ids = filterset.summary([o.pk for o in organisations.values()][:-1])
        assert by_ids == (total, facets)
        # The same counted from each row's facet columns (what a search reads with its
        # matches).
        names = {f"column_{i}": c for i, c in enumerate(filterset.facet_columns())}
        values = list(base.annotate(**names).values_list(*names))
        assert filterset.summary_of_rows(values) == (total, facets)


def test_filtersets_do_not_share_filters(organisations):
    """Each FilterSet has its own filters, bound to it (a shallow copy of the class's)."""
    from cooperation.filters import OrganisationFilterSet

    first = OrganisationFilterSet(QueryDict("country=RU"))
    second = OrganisationFilterSet(QueryDict("country=DE"))
    assert first.filters["country"] is not second.filters["country"]
    assert first.filters["country"].parent is first
    assert second.filters["country"].parent is second
    base = Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
    assert {o.country.code for o in first.apply(base)} == {"RU"}
    assert {o.country.code for o in second.apply(base)} == {"DE"}


def test_browse_summary_is_cached_until_an_organisation_is_written(
    organisations, django_assert_num_queries
):
    assert organisation_list({}).total == 4
    # The rows (with their themes' ids): total and facets cached.
    with django_assert_num_queries(1):
        assert organisation_list({}).total == 4
    # Writes go through the services, which start a new cache generation.
    created = organisation_services.organisation_create(
        user=UserFactory(), name="E", type="sme", country=country("DE")
    )
    assert organisation_list({}).total == 4  # a draft is not listed
    organisation_services.organisation_publish(organisation=created, by=site_staff_user())
    result = organisation_list({})
    assert result.total == 5
    assert counts(result, "country")["DE"] == 2
    c = organisations["c"]
    organisation_services.organisation_update(
        organisation=c, name=c.name, type=c.type, country=c.country, themes=[], by=site_staff_user()
    )
    assert str(theme("ENERGY").pk) not in counts(organisation_list({}), "theme")


def test_row_themes_shown_with_the_labels_of_the_theme_facet_or_the_process(
    organisations, django_assert_num_queries
):
    from cooperation.filters import Facet
    from cooperation.selectors.partners import _attach_labels

    result = organisation_list({"theme": str(theme("ENERGY").pk)})
    [row] = result.page.object_list
    assert [t.label for t in row.theme_list] == [theme("ENERGY").label]
    assert row.type_label == str(Organisation.Type.UNIVERSITY.label)
    # A row whose themes the facet did not count (a search of more matches than it counts):
    # named from the process's labels (read by the search above), in the themes' order,
    # without a query
    rows = list(Organisation.objects.filter(pk=organisations["a"].pk))
    with django_assert_num_queries(0):
        _attach_labels(rows, {"theme": Facet("theme", "Theme", [])})
    labels = [t.label for t in rows[0].theme_list]  # type: ignore[attr-defined]
    expected = sorted([theme("HEALTH"), theme("ICT")], key=lambda t: (t.position, str(t.pk)))
    assert labels == [t.label for t in expected]


def test_facet_options_render_each_option_escaped_with_its_state():
    """The filter panel's options (``{% facet_options %}``): the markup of the former template
    loop, labels escaped, the chosen ones checked, a radio button for a single choice."""
    from cooperation.filters import Facet, FacetOption
    from cooperation.templatetags.cooperation_facets import facet_options

    facet = Facet(
        "country",
        "Country",
        [FacetOption("DE", "Germany <b>", 1234, True), FacetOption("FR", "France", 2, False)],
    )
    html = facet_options(facet)
    assert '<input type="checkbox" id="f-country-1" name="country" value="DE" checked>' in html
    assert (
        '<label for="f-country-1">Germany &lt;b&gt; <span class="facet-count">(1234)</span>' in html
    )
    assert '<input type="checkbox" id="f-country-2" name="country" value="FR">' in html
    assert html.count("<li>") == 2
    single = Facet("status", "Status", [FacetOption("open", "Open", 3, False)], multiple=False)
    assert '<input type="radio" id="f-status-1" name="status" value="open">' in facet_options(
        single
    )


@pytest.mark.parametrize("language", ["en", "ru"])
def test_facet_options_are_the_markup_format_html_made(language):
    """The tag writes its markup itself (Django's escaping without the lazy-string wrappers):
    byte for byte what ``format_html_join`` made of the same options, in both languages."""
    from django.utils.formats import localize
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe
    from django.utils.translation import override

    from cooperation.filters import Facet, FacetOption
    from cooperation.templatetags.cooperation_facets import facet_options

    def former(facet: Facet) -> str:
        kind = "checkbox" if facet.multiple else "radio"
        return format_html_join(
            "\n",
            '<li>\n<input type="{}" id="f-{}-{}" name="{}" value="{}"{}>\n'
            '<label for="f-{}-{}">{} <span class="facet-count">({})</span></label>\n</li>',
            (
                (
                    kind,
                    facet.name,
                    n,
                    facet.name,
                    o.value,
                    mark_safe(" checked") if o.selected else "",
                    facet.name,
                    n,
                    o.label,
                    localize(o.count),
                )
                for n, o in enumerate(facet.options, start=1)
            ),
        )

    options = [
        FacetOption("DE", 'Germany "<b>" & co', 1234567, True),
        FacetOption("F'R", "Франция", 999, False),
        FacetOption("x&y", "L'Aquila", 0, True),
        FacetOption("7", mark_safe("<i>safe</i>"), 1000, False),
    ]
    with override(language):
        for multiple in (True, False):
            facet = Facet("co<un>try", "Country", options, multiple=multiple)
            assert str(facet_options(facet)) == str(former(facet))
