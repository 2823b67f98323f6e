"""Search across scripts (cooperation/search.py) and the demo seeder that feeds it.

Full-text behaviour (stemming, transliteration, trigram, websearch syntax, highlighting,
weights), bad input, the ``icontains`` fallback, counting and the seeder.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import SafeData

from cooperation import search
from cooperation.models import CooperationOffer, FundingCall, Organisation, ResearcherProfile
from tests.accounts.factories import UserFactory
from tests.cooperation.factories import (
    FundingCallFactory,
    OfferFactory,
    OrganisationFactory,
    ResearcherProfileFactory,
    country,
    theme,
)

pytestmark = pytest.mark.django_db


def org(name: str, name_alt: str = "", description: str = "", **kwargs: object) -> Organisation:
    return OrganisationFactory(name=name, name_alt=name_alt, description=description, **kwargs)


def found(query: str, qs: object = None) -> list[str]:
    rows = search.search_queryset(qs if qs is not None else Organisation.objects.all(), query)
    return [row.name for row in rows]


# -- normalising ------------------------------------------------------------------------------


def test_clean_query_strips_nul_and_control_characters_and_caps_length():
    assert search.clean_query("  Tomsk\x00 State\tUniversity\n ") == "Tomsk State University"
    assert "\x00" not in search.clean_query("\x00" * 50 + "a")
    assert len(search.clean_query("x" * 10_000)) == search.MAX_QUERY_LENGTH
    assert len(search.clean_query("word " * 5_000)) <= search.MAX_QUERY_LENGTH
    assert search.clean_query(None) == ""
    assert search.clean_query("\x00\x01 \u200b") == ""


def test_name_variants_add_transliterations_in_both_directions():
    variants = search.name_variants("Томский государственный университет", "Tomsk", "Tomsk")
    assert variants.splitlines() == [
        "Томский государственный университет",
        "Tomskiy gosudarstvennyy universitet",
        "Tomsk",
    ]
    romanised = search.name_variants("MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET")
    assert "московский государственный университет" in romanised
    assert search.name_variants("Université de Strasbourg").splitlines() == [
        "Université de Strasbourg",
        "Universite de Strasbourg",
    ]
    # An English name gets no made-up Cyrillic variant
    assert search.name_variants("Fraunhofer Institute for Laser Technology").count("\n") == 0
    assert search.name_variants("", None) == ""


def test_transliteration_helpers():
    assert search.to_latin("Ярославль Щёлково") == "Yaroslavl Shchelkovo"
    assert search.to_cyrillic("Sankt-Peterburgskiy gosudarstvennyy") == (
        "санкт-петербургский государственный"
    )
    assert search.fold("Łódź Ёлки") == "Lodz Елки"


def test_parse_query_separates_excluded_terms():
    parsed = search.parse_query('laser "solid state" -medical OR -"space weather" x')
    assert parsed.positive == ("laser", '"solid state"', "OR", "x")
    assert parsed.negative == ("medical", '"space weather"')
    assert search.parse_query("-only -excluded").positive == ()
    assert search.parse_query('"').positive == ()


# -- PostgreSQL full text ---------------------------------------------------------------------


def test_latin_query_finds_cyrillic_name():
    org("Томский государственный университет")
    org("Новосибирский государственный университет")
    assert found("Tomsk") == ["Томский государственный университет"]
    assert found("Tomskiy universitet") == ["Томский государственный университет"]


def test_cyrillic_query_finds_romanised_name():
    org("MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET", country=country("RU"))
    org("Tomsk State University")
    assert found("Московский") == ["MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET"]
    # inflected: through the Cyrillic variant stored for the romanised name
    assert found("Московского университета") == ["MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET"]


def test_misspelled_name_is_found_by_trigram():
    org("Fraunhofer-Institut für Lasertechnik ILT", description="Laser technology.")
    org("Politechnika Warszawska")
    assert found("Fraunhoffer") == ["Fraunhofer-Institut für Lasertechnik ILT"]
    assert found("Politechnica Warszawska") == ["Politechnika Warszawska"]
    assert found("Fraunhoffer -laser") == []  # exclusions apply to trigram matches too


def test_russian_stemming():
    org("Новосибирский государственный университет")
    org("Институт катализа", description="Исследования катализаторов и нанотехнологий.")
    assert found("университетами") == ["Новосибирский государственный университет"]
    assert found("катализаторами") == ["Институт катализа"]


def test_english_stemming():
    org("Alpha", description="We run laboratories studying catalysts.")
    org("Beta", description="Marine biology.")
    assert found("laboratory catalyst") == ["Alpha"]
    assert found("studies") == ["Alpha"]


def test_accents_are_folded():
    org("Université de Strasbourg")
    org("Beta GmbH", description="Partner of the École polytechnique in Łódź.")
    assert found("Universite") == ["Université de Strasbourg"]
    assert found("Université") == ["Université de Strasbourg"]
    assert found("ecole lodz") == ["Beta GmbH"]
    assert found("École Łódź") == ["Beta GmbH"]


def test_websearch_syntax():
    org("Institute of Solid State Physics")
    org("State Institute of Physics", description="Solid results.")
    org("Tomsk Polytechnic University")
    assert found('"solid state"') == ["Institute of Solid State Physics"]
    assert found("institute -solid") == []  # both mention "solid"
    assert found('institute -"solid state"') == ["State Institute of Physics"]
    assert sorted(found("tomsk OR solid")) == [
        "Institute of Solid State Physics",
        "State Institute of Physics",
        "Tomsk Polytechnic University",
    ]
    assert found("physics -Томск") == found("physics")  # exclusion in the other script
    assert found("polytechnic -Томск") == []


def test_headline_highlights_matches_and_is_html_safe():
    org(
        "Optics Lab",
        description='Lasers & optics: a < b, "quotes" and <script>alert(1)</script> tags.',
    )
    [row] = search.search_queryset(Organisation.objects.all(), "lasers")
    assert isinstance(row.headline, SafeData)
    assert "<mark>Lasers</mark>" in row.headline
    assert "&amp;" in row.headline
    assert "&lt;" in row.headline
    assert "<script" not in row.headline
    assert row.headline.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_headline_ignores_marker_characters_in_the_text():
    org("Marker Lab", description="Photonics \ue000 research \ue001 in Jena.")
    [row] = search.search_queryset(Organisation.objects.all(), "photonics")
    assert row.headline.count("<mark>") == row.headline.count("</mark>") == 1


def test_name_match_ranks_above_description_only_match():
    org("Acme Laboratories", description="We apply graphene coatings to steel.")
    org("Graphene Research Centre", description="Two-dimensional materials.")
    org("Unrelated", description="Marine biology.")
    rows = list(search.search_queryset(Organisation.objects.all(), "graphene"))
    assert [r.name for r in rows] == ["Graphene Research Centre", "Acme Laboratories"]
    assert rows[0].rank > rows[1].rank > 0


def test_keywords_and_themes_in_both_languages_are_searchable():
    org("Alpha", keywords="вечная мерзлота, permafrost")
    assert found("мерзлоты") == ["Alpha"]
    assert found("permafrost") == ["Alpha"]
    assert found("Germany") == ["Alpha"]  # the country, in English ...
    assert found("Германия") == ["Alpha"]  # ... and in Russian


def test_other_searchable_models():
    user = UserFactory(name="Анна Иванова")
    ResearcherProfileFactory(user=user, organisation=org("Томский государственный университет"))
    OfferFactory(title="Партнёры для проекта по вечной мерзлоте")
    FundingCallFactory(identifier="HORIZON-CL5-2027-D3-01", title="Energy supply")
    profiles = search.search_queryset(ResearcherProfile.objects.all(), "Anna Ivanova")
    assert [p.user.name for p in profiles] == ["Анна Иванова"]
    offers = search.search_queryset(CooperationOffer.objects.all(), "merzlota")
    assert [o.title for o in offers] == ["Партнёры для проекта по вечной мерзлоте"]
    calls = search.search_queryset(FundingCall.objects.all(), "HORIZON-CL5-2027-D3-01")
    assert [c.identifier for c in calls] == ["HORIZON-CL5-2027-D3-01"]


def test_candidates_are_capped_and_counted_as_more(monkeypatch):
    monkeypatch.setattr(search, "SEARCH_LIMIT", 4)
    for letter in "abcdef":
        org(f"Other {letter}", description="A partner of every university in town.")
    for n in range(6):
        org(f"University {n}")
    everything = Organisation.objects.all()
    rows = list(search.search_queryset(everything, "university"))
    assert len(rows) == 5  # SEARCH_LIMIT + 1 candidates, ranked: names first
    names = [r.name for r in rows]
    assert names == sorted(names, key=lambda n: not n.startswith("University"))
    count = search.capped_count(search.search_queryset(everything, "university"))
    assert (count.value, count.capped) == (4, True)
    one = search.capped_count(search.search_queryset(everything, "University 3"))
    assert (one.value, one.capped) == (1, False)


def test_search_filters_first_and_then_never_searches_again(
    django_assert_num_queries,
):
    org("Tomsk State University", country=country("RU"))
    org("Tomsk Polytechnic University", country=country("DE"))
    base = Organisation.objects.filter(country__code="RU")
    with django_assert_num_queries(1):  # the candidates, ranked
        rows = search.search_queryset(base, "tomsk university")
    with django_assert_num_queries(1):
        assert [r.name for r in rows] == ["Tomsk State University"]
    with django_assert_num_queries(1):
        assert rows.all().count() == 1
    nothing = search.search_queryset(base, "zzzz")  # words, then (time-limited) trigrams
    with django_assert_num_queries(0):  # and no query at all afterwards
        assert list(nothing) == []


def _check_time_limit() -> None:
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    org("Alpha")
    slow = Organisation.objects.filter(
        RawSQL("pg_sleep(0.3)::text IS NOT NULL", (), output_field=BooleanField())
    ).values_list("pk", flat=True)
    assert search._within_time_limit(slow, 50) == []
    fast = Organisation.objects.values_list("name", flat=True)
    assert search._within_time_limit(fast, 5000) == [("Alpha",)]
    with connection.cursor() as cursor:  # the limit was for that statement only
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    assert Organisation.objects.count() == 1  # and the transaction is still usable


def test_slow_trigram_search_gives_up_inside_a_transaction():
    _check_time_limit()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps reference data
def test_slow_trigram_search_gives_up_in_autocommit_mode():
    assert not connection.in_atomic_block
    _check_time_limit()


def test_reuse_searches_runs_the_same_search_once(django_assert_num_queries):
    org("Tomsk State University")
    base = Organisation.objects.all()
    with search.reuse_searches():
        with django_assert_num_queries(1):
            first = search.search_queryset(base, "tomsk")
            second = search.search_queryset(base.order_by("name"), "tomsk")
        with django_assert_num_queries(1):  # other rows: searched again
            search.search_queryset(base.filter(country__code="DE"), "tomsk")
        with django_assert_num_queries(1):  # another query too
            search.search_queryset(base, "Tomsk State")
        org("Tomsk Polytechnic University")
        assert len(first.all()) == len(second.all()) == 1  # as searched before
    assert len(search.search_queryset(base, "tomsk")) == 2  # a new block sees new rows


# -- every database ---------------------------------------------------------------------------

BAD_INPUTS = [
    '"',
    '""',
    "'",
    "&|!:*()",
    "a & b | !c:* (d)",
    "x" * 10_000,
    "a\x00b",
    "\x00",
    "😀",
    "🧪 Tomsk 😀 Томск",
    "Tomsk университет Université",
    "-",
    "--",
    "OR",
    "-foo",
    "(((",
    "a:*",
    "!!",
    "\\",
    "%_",
    "<script>alert(1)</script>",
    "'; DROP TABLE cooperation_organisation; --",
    "\ud800",
    "the",
    "и",
]


@pytest.mark.parametrize("query", BAD_INPUTS)
def test_bad_input_never_fails(query):
    org("Томский государственный университет", "Tomsk State University")
    rows = search.search_queryset(Organisation.objects.all(), query)
    assert isinstance(list(rows), list)
    assert search.capped_count(rows).value >= 0
    assert isinstance(list(search.simple_search(Organisation.objects.all(), query)), list)


def test_empty_or_only_excluding_query_returns_everything_unranked():
    org("Alpha")
    org("Beta")
    for query in ("", "   ", "-alpha", None):
        rows = list(search.search_queryset(Organisation.objects.order_by("name"), query))
        assert [r.name for r in rows] == ["Alpha", "Beta"]
        assert {r.rank for r in rows} == {0.0}
        assert {r.headline for r in rows} == {None}


def test_search_finds_transliterations_on_any_database():
    org("Томский государственный университет")
    org("MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET")
    org("Université de Strasbourg")
    assert found("Tomsk") == ["Томский государственный университет"]
    assert found("Московский") == ["MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET"]
    assert found("universite strasbourg") == ["Université de Strasbourg"]


def test_simple_search_fallback_works_on_any_database():
    org("Томский государственный университет", description="Климат Сибири")
    org("MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET")
    org("Acme", description="Partner of TOMSK universities")
    org("Université de Strasbourg")
    qs = Organisation.objects.all()

    def simple(query: str) -> list[str]:
        return [r.name for r in search.simple_search(qs, query)]

    assert simple("Tomsk") == ["Томский государственный университет", "Acme"]  # names first
    assert simple("томский") == ["Томский государственный университет"]  # any case
    assert simple("Московский") == ["MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET"]
    assert simple("moskovskiy") == ["MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET"]
    assert simple("Universite Strasbourg") == ["Université de Strasbourg"]
    assert simple("климат") == ["Томский государственный университет"]
    assert simple("tomsk nowhere") == []
    rows = list(search.simple_search(qs, "Tomsk"))
    assert rows[0].rank > rows[1].rank
    assert rows[0].headline is None


def test_capped_count_reads_at_most_cap_plus_one_rows(django_assert_num_queries):
    for n in range(5):
        org(f"Org {n}")
    with django_assert_num_queries(1):
        count = search.capped_count(Organisation.objects.all(), cap=3)
    assert (count.value, count.capped, int(count)) == (3, True, 3)
    assert search.capped_count(Organisation.objects.all(), cap=5) == search.CappedCount(5, False)


def test_vectors_are_kept():
    alpha = org("Alpha")
    alpha.refresh_from_db()
    assert alpha.search_vector


# -- demo data ---------------------------------------------------------------------------------


def _counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        ResearcherProfile.objects.count(),
        FundingCall.objects.count(),
        CooperationOffer.objects.count(),
    )


def test_seed_cooperation_is_idempotent_at_scale_1():
    from cooperation.demo import CALLS, OFFERS, ORGANISATIONS, RESEARCHERS, seed_cooperation
    from portal.accounts.demo import seed_users

    seed_users(scale=1)
    assert seed_cooperation(scale=1) > 0
    counts = _counts()
    assert counts == (len(ORGANISATIONS), len(RESEARCHERS), len(CALLS), len(OFFERS))
    assert counts[0] >= 40
    assert counts[1] >= 12
    assert counts[2] >= 15
    assert counts[3] >= 20
    assert seed_cooperation(scale=1) == 0
    assert _counts() == counts

    offers = CooperationOffer.objects.all()
    assert set(offers.values_list("status", flat=True)) == {CooperationOffer.Status.PUBLISHED}
    assert set(offers.values_list("type", flat=True)) == set(CooperationOffer.Type.values)
    statuses = {call.status for call in FundingCall.objects.all()}
    assert statuses == {"open", "forthcoming", "closed"}
    assert all(
        call.closes_at == max(d.deadline for d in call.deadlines.all())
        for call in FundingCall.objects.prefetch_related("deadlines")
    )
    assert (
        Organisation.objects.filter(country__code="RU", federal_subject__isnull=True).count() == 0
    )
    assert found("Tomsk", Organisation.objects.filter(status="published"))[:2] == [
        "Томский государственный университет",
        "Томский политехнический университет",
    ]
    assert not Organisation.objects.filter(search_vector__isnull=True).exists()


def test_seed_cooperation_at_scale_300():
    from cooperation.demo import seed_cooperation
    from cooperation.indexing import offer_index, organisation_index
    from portal.accounts.demo import seed_users

    seed_users(scale=1)
    created = seed_cooperation(scale=300)
    assert created > 300
    assert Organisation.objects.count() == 300
    assert CooperationOffer.objects.count() == 60
    assert seed_cooperation(scale=300) == 0
    assert (Organisation.objects.count(), CooperationOffer.objects.count()) == (300, 60)
    assert Organisation.objects.filter(search_names="").count() == 0
    assert Organisation.objects.filter(themes__isnull=True).count() == 0
    assert not Organisation.objects.filter(search_vector__isnull=True).exists()
    assert not CooperationOffer.objects.filter(search_vector__isnull=True).exists()
    # The search columns written by the bulk insert are those the services' indexing computes
    for model, index in ((Organisation, organisation_index), (CooperationOffer, offer_index)):
        columns = ("pk", "search_names", "search_terms", "search_vector")
        sample = list(model.objects.order_by("-pk").values_list(*columns)[:5])
        index(ids=[row[0] for row in sample])
        assert sample == list(model.objects.order_by("-pk").values_list(*columns)[:5])
    # Words of every frequency: very common, common and rare
    published = Organisation.objects.filter(status="published")
    university = search.capped_count(search.search_queryset(published, "university")).value
    assert university > 50
    assert 0 < search.capped_count(search.search_queryset(published, "Novosibirsk")).value < 50


# -- a search page in one statement ------------------------------------------------------------


def _page_view(result: object) -> dict[str, object]:
    """Everything a page of the organisation list shows."""
    return {
        "total": result.total,
        "capped": result.total_capped,
        "number": result.page.number,
        "pages": result.page.paginator.num_pages,
        "rows": [
            (
                row.pk,
                row.name,
                row.rank,
                str(row.headline) if row.headline else None,
                row.country.code,
                str(row.country),
                row.type_label,
                [(t.value, str(t.label)) for t in row.theme_list],
                row.city,
                row.fp7_participations,
                row.created_at,
            )
            for row in result.page.object_list
        ],
        "facets": {
            name: [(o.value, str(o.label), o.count, o.selected) for o in facet.options]
            for name, facet in result.facets.items()
        },
    }


# Outside a transaction, as a page runs (no ATOMIC_REQUESTS): the trigram statement's time
# limit then costs no statement of its own.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps reference data
def test_search_page_in_one_statement_shows_what_the_three_queries_show(
    monkeypatch, django_assert_num_queries
):
    """The organisation list reads a search's pool, facets and page in one statement; the
    page must be the one the pool query, the facet query and the rows by id give."""
    import dataclasses

    from cooperation.demo import seed_cooperation
    from cooperation.selectors import partners

    seed_cooperation(scale=300)  # "University" matches more than the 200 ranked (capped)
    one_statement = partners.ORGANISATION_LIST
    three_queries = dataclasses.replace(one_statement, search_page=None)
    cases = [
        ("University", 1, 20),
        ("University", 3, 20),
        ("University", 10, 20),  # the last of 10 full pages
        ("University", 11, 20),  # past the last page: the last one
        ("Томский", 1, 5),
        ("Tomsk", 2, 3),
        ("институт катализа", 1, 20),
        ('"State University" -Tomsk', 2, 7),
        ("Fraunhoffer", 1, 20),  # misspelled: full text finds nothing, trigrams do
        ("Fraunhoffer -Laser", 1, 20),  # the same, without the names that mention lasers
        ("zzzqqq", 1, 20),  # nothing at all
        ("University", "x", 20),  # not a number: the first page
    ]
    # One query when full text finds rows and the page is among the ranked ones; a second
    # one (the same, on names similar by trigrams) when full text finds nothing; past the
    # ranked rows, the usual queries follow.
    one_query = {("University", 1), ("University", 3), ("University", 10), ("Томский", 1)}
    one_query |= {("Tomsk", 2), ("институт катализа", 1), ("University", "x")}
    one_query.add(('"State University" -Tomsk', 2))
    two_queries = {("Fraunhoffer", 1), ("Fraunhoffer -Laser", 1), ("zzzqqq", 1)}
    seen = {}
    for query, page, page_size in cases:
        monkeypatch.setattr(partners, "ORGANISATION_LIST", one_statement)
        with CaptureQueriesContext(connection) as ran:
            fast = partners.organisation_list({"q": query}, page=page, page_size=page_size)
        expected = 1 if (query, page) in one_query else 2 if (query, page) in two_queries else None
        if expected is None:
            assert len(ran) > 2, (query, page, len(ran))
        else:
            assert len(ran) == expected, (query, page, len(ran))
        monkeypatch.setattr(partners, "ORGANISATION_LIST", three_queries)
        usual = partners.organisation_list({"q": query}, page=page, page_size=page_size)
        seen[query, page] = _page_view(fast)
        assert seen[query, page] == _page_view(usual), (query, page)
    # The cases were what they say: capped, past the end, a headline, found by trigrams, none.
    assert seen["University", 1]["capped"] is True
    assert seen["University", 1]["total"] == 200
    assert seen["University", 11]["number"] == 10
    assert any(row[3] and "<mark>" in row[3] for row in seen["институт катализа", 1]["rows"])
    assert seen["Fraunhoffer", 1]["rows"]
    assert seen["zzzqqq", 1]["total"] == 0
    assert seen["University", "x"]["number"] == 1

    monkeypatch.setattr(partners, "ORGANISATION_LIST", one_statement)
    with django_assert_num_queries(1):
        result = partners.organisation_list({"q": "Томский"}, page=1, page_size=5)
    assert result.page.object_list
    assert [row.pk for row in result.page.object_list] == [r[0] for r in seen["Томский", 1]["rows"]]


def _theme_ids_column(*organisations: Organisation) -> list[list[int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, theme_ids FROM cooperation_organisation WHERE id = ANY(%s)",
            [[o.pk for o in organisations]],
        )
        stored = dict(cursor.fetchall())
    return [stored[o.pk] for o in organisations]


def test_postgresql_keeps_each_organisations_theme_ids_whatever_writes_them():
    """The search page reads an organisation's themes from its row (migration 0005); every
    way of changing the many-to-many rows must keep that column right."""
    ict, health, energy = theme("ICT"), theme("HEALTH"), theme("ENERGY")
    first, second = org("Alpha Institute"), org("Beta University")
    assert _theme_ids_column(first, second) == [[], []]

    first.themes.set([energy, ict])
    second.themes.add(health)
    assert _theme_ids_column(first, second) == [sorted([energy.pk, ict.pk]), [health.pk]]

    first.themes.remove(energy)
    assert _theme_ids_column(first) == [[ict.pk]]
    through = Organisation.themes.through
    through.objects.bulk_create(  # as the demo seeder writes them
        [
            through(organisation_id=first.pk, thematicpriority_id=health.pk),
            through(organisation_id=second.pk, thematicpriority_id=ict.pk),
        ]
    )
    assert _theme_ids_column(first, second) == [
        sorted([ict.pk, health.pk]),
        sorted([health.pk, ict.pk]),
    ]
    through.objects.filter(organisation_id=second.pk, thematicpriority_id=ict.pk).update(
        thematicpriority_id=energy.pk
    )
    assert _theme_ids_column(second) == [sorted([health.pk, energy.pk])]

    health.delete()  # a theme removed from the reference data
    assert _theme_ids_column(first, second) == [[ict.pk], [energy.pk]]
    second.themes.clear()
    first.save()  # an ORM save of the row leaves the column alone
    assert _theme_ids_column(first, second) == [[ict.pk], []]


@pytest.mark.django_db(transaction=True)
def test_similar_names_give_up_after_the_time_limit_and_leave_no_limit_behind(
    monkeypatch,
):
    """The trigram fallback of a search page is bounded by a statement timeout, in a
    transaction of its own or inside the caller's; either way the limit ends with it."""
    from django.db import transaction

    org("Fraunhofer Institute for Laser Technology")
    table = connection.ops.quote_name(Organisation._meta.db_table)

    def similar(where):
        sql, params = search.similar_statement(table, where, "Fraunhoffer")
        rows = search.rows_within_time_limit("default", sql, params, search.TRIGRAM_TIME_LIMIT_MS)
        return [row[0] for row in rows]

    def timeout():
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    before = timeout()
    assert similar(("TRUE", ())) == list(Organisation.objects.values_list("pk", flat=True))
    monkeypatch.setattr(search, "TRIGRAM_TIME_LIMIT_MS", 20)
    slow = ("pg_sleep(0.2) IS NOT NULL", ())  # every row takes longer than the limit
    assert similar(slow) == []
    assert timeout() == before
    with transaction.atomic():
        assert similar(slow) == []
        assert timeout() == before
        assert Organisation.objects.count() == 1  # the transaction is still usable
