"""Matching (twinning.matching): hard rules, scores with their reasons, cross-script keywords
through portal.search, the reverse ("requests that fit us") and the alerts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from cooperation.models import Organisation
from portal.search import engine
from tests.accounts.factories import UserFactory
from tests.cooperation.factories import OrganisationFactory, country, theme
from twinning import matching
from twinning.models import FitAlert, TwinningRequest

pytestmark = pytest.mark.django_db


def make_request(organisation: Organisation, **fields: Any) -> TwinningRequest:
    themes = fields.pop("themes", [])
    defaults: dict[str, Any] = {
        "title": "Twinning in photonics",
        "objectives": "Staff exchanges and a summer school.",
        "partner_side": "eu",
        "response_deadline": timezone.localdate() + datetime.timedelta(days=60),
        "status": TwinningRequest.Status.PUBLISHED,
        "published_at": timezone.now(),
    }
    defaults.update(fields)
    request = TwinningRequest.objects.create(
        organisation=organisation, author=UserFactory(), **defaults
    )
    request.themes.set(themes)
    return TwinningRequest.objects.select_related("organisation__country").get(pk=request.pk)


def org(name: str, code: str = "DE", **fields: Any) -> Organisation:
    fields.setdefault("keywords", "")
    fields.setdefault("city", "")
    return OrganisationFactory(name=name, country=country(code), **fields)


def names(suggestions: list[Any]) -> list[str]:
    return [s.organisation.name for s in suggestions]


@pytest.fixture
def tomsk() -> Organisation:
    return org("Томский политехнический университет", "RU", keywords="фотоника, photonics")


def test_only_published_organisations_of_the_side_sought_other_than_the_requester(
    tomsk: Organisation,
) -> None:
    org("Photon Berlin", "DE", keywords="photonics")
    org("Photon Oslo", "NO", keywords="photonics")  # an Associated Country is on the EU side
    org("Photon Moscow", "RU", keywords="photonics")  # the wrong side
    org("Photon Draft", "FR", keywords="photonics", published=False)
    org("Photon Chicago", "US", keywords="photonics")  # a third country is on neither side
    request = make_request(tomsk, expertise_keywords="photonics", partner_side="eu")

    assert sorted(names(matching.suggest_partners(request=request))) == [
        "Photon Berlin",
        "Photon Oslo",
    ]
    ru_request = make_request(
        org("Photon Paris", "FR", keywords="photonics"),
        expertise_keywords="photonics",
        partner_side="ru",
    )
    assert names(matching.suggest_partners(request=ru_request)) == [
        "Photon Moscow",
        "Томский политехнический университет",
    ]


def test_organisation_types_are_a_hard_rule(tomsk: Organisation) -> None:
    org("Photonics University", keywords="photonics", type=Organisation.Type.UNIVERSITY)
    org("Photonics GmbH", keywords="photonics, lasers", type=Organisation.Type.SME)
    request = make_request(
        tomsk, expertise_keywords="photonics, lasers", partner_types=["university"]
    )
    assert names(matching.suggest_partners(request=request)) == ["Photonics University"]
    request.partner_types = []
    assert names(matching.suggest_partners(request=request)) == [
        "Photonics GmbH",
        "Photonics University",
    ]


def test_the_first_places_come_from_the_countries_asked_for(tomsk: Organisation) -> None:
    for i in range(5):
        org(f"German Lab {i}", "DE", keywords="photonics, lasers", fp7_participations=9 - i)
    org("French Lab", "FR", keywords="photonics")
    org("Italian Lab", "IT", keywords="lasers")
    request = make_request(
        tomsk, expertise_keywords="photonics, lasers", partners_wanted=3, countries_min=3
    )

    suggestions = matching.suggest_partners(request=request)

    assert names(suggestions)[:3] == ["German Lab 0", "French Lab", "Italian Lab"]
    assert {s.organisation.country.code for s in suggestions[:3]} == {"DE", "FR", "IT"}
    # below the places the rule applies to, the score's order
    assert names(suggestions)[3:] == [f"German Lab {i}" for i in range(1, 5)]
    request.countries_min = 1
    assert names(matching.suggest_partners(request=request))[:3] == [
        "German Lab 0",
        "German Lab 1",
        "German Lab 2",
    ]


def test_countries_without_a_keyword_come_from_the_shared_themes(tomsk: Organisation) -> None:
    ict = theme("ICT")
    for i in range(3):
        org(f"German Lab {i}", "DE", keywords="photonics")
    org("Finnish ICT Lab", "FI", themes=[ict])
    org("Unrelated Italian Lab", "IT")
    request = make_request(
        tomsk,
        expertise_keywords="photonics",
        themes=[ict],
        partners_wanted=2,
        countries_min=2,
    )
    assert names(matching.suggest_partners(request=request)) == [
        "German Lab 0",
        "Finnish ICT Lab",
        "German Lab 1",
        "German Lab 2",
    ]


@pytest.mark.parametrize(
    ("keywords", "partner_keywords", "code", "side"),
    [
        # a Russian request finds a Russian institute written in Latin, as CORDIS writes it
        ("лазерной физики", "LAZERNAYA FIZIKA", "RU", "ru"),
        # ... and a request in Latin letters finds the Cyrillic keywords, in another case
        ("vechnaya merzlota", "исследования вечной мерзлоты", "RU", "ru"),
        # grammatical forms of a Russian keyword at an EU organisation
        ("квантовые вычисления", "квантовых вычислений", "DE", "eu"),
        # English word forms
        ("superconducting magnets", "superconducting magnet", "FR", "eu"),
    ],
)
def test_keywords_match_in_another_script_and_form(
    keywords: str, partner_keywords: str, code: str, side: str
) -> None:
    requester = org("Requester", "FI" if side == "ru" else "RU")
    partner = org("Partner", code, keywords=partner_keywords)
    org("Other", code, keywords="robotics")
    request = make_request(requester, expertise_keywords=keywords, partner_side=side)

    suggestions = matching.suggest_partners(request=request)

    assert [s.organisation.pk for s in suggestions] == [partner.pk]
    assert suggestions[0].reasons[0].code == "keywords"
    assert keywords in suggestions[0].reasons[0].label


def test_a_keyword_is_a_whole_word_not_the_beginning_of_a_longer_one() -> None:
    """Keywords are whole words someone typed: unlike a search box's last word, a keyword is
    not read as the beginning of a longer word ("magnet" is not "magnetometry"); its other
    forms still match (stemmers: "magnets"; skeleton keys: "магнита", "MAGNITA")."""
    requester = org("Requester", "RU")
    plural = org("Magnets Lab", "DE", keywords="magnets")
    longer = org("Magnetometry Lab", "DE", keywords="magnetometry, магнитометрия")
    case = org("Case Lab", "FR", keywords="свойства магнита")
    romanised = org("Romanised Lab", "FR", keywords="SVOISTVA MAGNITA")
    english = make_request(requester, expertise_keywords="magnet", partner_side="eu")
    russian = make_request(requester, expertise_keywords="магнит", partner_side="eu")

    def found(request: TwinningRequest) -> set[int]:
        return {s.organisation.pk for s in matching.suggest_partners(request=request)}

    assert found(english) == {plural.pk}
    assert found(russian) == {case.pk, romanised.pk}
    # the alerts and "requests that fit us" read keywords the same way
    FitAlert.objects.create(organisation=longer, user=UserFactory())
    FitAlert.objects.create(organisation=plural, user=UserFactory())
    assert matching.organisations_to_alert(request=english) == [plural.pk]
    assert matching.requests_fitting(organisation=longer) == []
    assert [f.request for f in matching.requests_fitting(organisation=case)] == [russian]
    # the search box keeps reading a word as the beginning of a longer one
    criteria = matching.criteria_of(english)
    assert all(":*" not in w.forms for _k, words in criteria.keywords for w in words)
    assert ":*" in engine.term_words("magnet")[0].forms


def test_scores_and_reasons(tomsk: Organisation) -> None:
    ict, energy, health = theme("ICT"), theme("ENERGY"), theme("HEALTH")
    best = org(
        "Best Lab",
        "DE",
        keywords="photonics, smart grids",
        themes=[ict, energy],
        fp7_participations=4,
    )
    org("Themes Only", "DE", themes=[ict, energy, health])
    org("Keyword Only", "FR", keywords="smart grids")
    request = make_request(
        tomsk,
        expertise_keywords="photonics, smart grids",
        themes=[ict, energy],
        partner_types=["university"],
    )

    suggestions = matching.suggest_partners(request=request)

    assert names(suggestions) == ["Best Lab", "Keyword Only", "Themes Only"]
    first = suggestions[0]
    assert first.organisation == best
    with translation.override("en"):
        reasons = {r.code: r.label for r in matching.suggest_partners(request=request)[0].reasons}
    in_order = sorted([ict, energy], key=lambda t: (t.position, t.code))
    assert reasons == {
        "keywords": "Matching expertise: photonics, smart grids",
        "themes": f"Shared themes: {in_order[0].name_en}, {in_order[1].name_en}",
        "border": "On the other side of the EU–Russia border",
        "type": "Organisation type sought: University",
        "fp7": "FP7 track record: 4 participations",
    }
    with translation.override("ru"):
        russian = matching.suggest_partners(request=request)[0].reasons
    assert ict.name_ru in {r.code: r.label for r in russian}["themes"]
    # 2 keywords, both themes, 4 FP7 participations, the type and the border
    assert first.score == pytest.approx(
        2 * matching.KEYWORD_POINTS
        + matching.THEME_POINTS
        + matching.FP7_POINTS * 0.5284
        + matching.TYPE_POINTS
        + matching.BORDER_POINTS,
        abs=0.01,
    )
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    # the scoring in SQL (suggestions) and in Python (requests that fit) agree
    fitting = matching.requests_fitting(organisation=best)
    assert [(f.request.pk, f.score) for f in fitting] == [(request.pk, first.score)]
    assert fitting[0].reasons == first.reasons


def test_no_criteria_no_suggestions(tomsk: Organisation) -> None:
    org("Anybody", "DE")
    request = make_request(tomsk, expertise_keywords=" , ;")
    assert matching.suggest_partners(request=request) == []


def test_query_count_is_constant(tomsk: Organisation, django_assert_num_queries: Any) -> None:
    ict = theme("ICT")
    for i in range(6):
        org(f"Lab {i}", ["DE", "FR", "IT"][i % 3], keywords="photonics", themes=[ict])
    for i in range(3):
        org(f"Theme Lab {i}", "FI", themes=[ict])
    request = make_request(
        tomsk,
        expertise_keywords="photonics, lasers",
        themes=[ict],
        countries_min=4,
        partners_wanted=4,
    )
    # the themes; PostgreSQL's estimates (EXPLAIN); one statement (the rows of both
    # keywords, and the band of one keyword PostgreSQL expects to hold enough: here the
    # whole level), in a savepoint with its planner settings set and restored (4 queries in
    # the test's transaction, 1 outside); the organisations
    with django_assert_num_queries(3 + 4):
        suggestions = matching.suggest_partners(request=request)
    assert len(suggestions) == 9
    for i in range(6, 12):
        org(f"Lab {i}", "DE", keywords="photonics", themes=[ict])
    with django_assert_num_queries(3 + 4):
        assert len(matching.suggest_partners(request=request)) == 15
    lab = Organisation.objects.select_related("country").get(name="Lab 0")
    for i in range(3):
        make_request(org(f"Requester {i}", "RU"), expertise_keywords="photonics", themes=[ict])
    # the requests with their themes, the organisation's themes, the keywords found
    with django_assert_num_queries(4):
        fitting = matching.requests_fitting(organisation=lab)
    assert len(fitting) == 4


def test_requests_that_fit_an_organisation() -> None:
    ict = theme("ICT")
    lab = org("Photonics Lab", "DE", keywords="фотоника, lasers", themes=[ict])
    tomsk = org("Tomsk", "RU")
    keyword = make_request(tomsk, title="By keyword", expertise_keywords="фотоники")
    by_theme = make_request(tomsk, title="By theme", themes=[ict])
    make_request(tomsk, title="Russian partners", partner_side="ru", expertise_keywords="lasers")
    make_request(tomsk, title="SMEs only", partner_types=["sme"], expertise_keywords="lasers")
    make_request(tomsk, title="Unrelated", expertise_keywords="oncology")
    make_request(lab, title="Its own", expertise_keywords="lasers")
    make_request(
        tomsk, title="Draft", expertise_keywords="lasers", status=TwinningRequest.Status.DRAFT
    )
    make_request(
        tomsk,
        title="Past deadline",
        expertise_keywords="lasers",
        response_deadline=timezone.localdate() - datetime.timedelta(days=1),
    )

    fitting = matching.requests_fitting(organisation=lab)

    assert [f.request for f in fitting] == [keyword, by_theme]
    assert [r.code for r in fitting[0].reasons] == ["keywords", "border"]
    assert [r.code for r in fitting[1].reasons] == ["themes", "border"]
    lab.status = Organisation.Status.DRAFT
    assert matching.requests_fitting(organisation=lab) == []


def test_organisations_to_alert() -> None:
    ict = theme("ICT")
    tomsk = org("Tomsk", "RU")
    keyword = org("Keyword Lab", "DE", keywords="photonics")
    themed = org("Theme Lab", "FR", themes=[ict])
    silent = org("Without Alert", "DE", keywords="photonics")
    russian = org("Russian Lab", "RU", keywords="photonics")
    for organisation in (keyword, themed, russian):
        FitAlert.objects.create(organisation=organisation, user=UserFactory())
    assert silent.pk

    request = make_request(tomsk, expertise_keywords="photonics", themes=[ict])
    assert matching.organisations_to_alert(request=request) == [keyword.pk]
    # without keywords, the themes decide
    themes_only = make_request(tomsk, themes=[ict])
    assert matching.organisations_to_alert(request=themes_only) == [themed.pk]


def reference_ids(request: TwinningRequest, limit: int) -> list[int]:
    """The list computed over every relevant candidate (no levels, bands or estimates)."""
    criteria = matching.criteria_of(request)
    every = matching.ranked(matching.read_candidates(criteria, matching.relevant(criteria)))
    places = matching.places_of(request, limit)
    ordered = matching.diversified(every, places=places, countries=request.countries_min)
    return [c.id for c in ordered[:limit]]


@pytest.mark.parametrize(
    ("small", "first"),
    [(False, None), (True, None), (True, 1)],
    ids=["as configured", "every path", "every path, one row per band statement"],
)
def test_the_list_is_exactly_the_unbounded_order(
    tomsk: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    small: bool,
    first: int | None,
) -> None:
    """Levels, bands, estimates and the countries rule read few rows; the list must be the
    one computed over every relevant candidate, with no hard rule broken. ``small``: the
    thresholds made tiny, so that at this size too the keywords are common, the levels are
    read band by band, probed, and the best row of a missing country is looked for.
    ``first``: a band statement sends at most this many of its first rows (the rows known
    of a band then end before the rows needed: it is read again, without them)."""
    from django.db import connection

    from cooperation import indexing

    if small:
        monkeypatch.setattr(matching, "RARE_ROWS", 3)
        monkeypatch.setattr(matching, "PROBE_ROWS", 4)
        monkeypatch.setattr(matching, "PROBE_EXPECTED", 300)
        monkeypatch.setattr(matching, "WHOLE_LEVEL_ROWS", 2)
        monkeypatch.setattr(matching, "BAND_MARGIN", 1)
    if first is not None:
        monkeypatch.setattr(matching, "BAND_FIRST_ROWS", first)
    themes = [theme(code) for code in ("ICT", "NMP", "ENERGY")]
    codes = ["DE", "FR", "IT", "FI", "RU"]
    keyword_sets = [
        "photonics",
        "photonics, lasers",
        "lasers",
        "quantum resonators, photonics",
        "квантовый резонатор",
        "machine learning",
        "",
        "KVANTOVYJ REZONATOR",  # romanised as CORDIS writes it: found by its skeleton keys
    ]
    types = ["university", "research", "sme", "company"]
    created = []
    for i in range(160):
        created.append(
            org(
                f"Lab {i:03d}",
                codes[(i * 7) % len(codes)],
                keywords=keyword_sets[(i * 3) % len(keyword_sets)],
                themes=[t for n, t in enumerate(themes) if (i >> n) & 1 or i % 5 == n],
                fp7_participations=(i * 13) % 9 if i % 3 else 0,
                type=types[(i * 5) % len(types)],
                status=(
                    Organisation.Status.DRAFT if i % 17 == 0 else Organisation.Status.PUBLISHED
                ),
            )
        )
    for i in range(4):  # the best for "photonics, lasers", all in one country
        created.append(
            org(f"Top {i}", "DE", keywords="photonics, lasers", themes=themes, type="research")
        )
    indexing.organisation_index(ids=[o.pk for o in created])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Organisation._meta.db_table}")
    asks: list[dict[str, Any]] = [
        {"expertise_keywords": "photonics", "themes": themes[:1]},
        {"expertise_keywords": "photonics, lasers", "themes": themes[:2]},
        {"expertise_keywords": "photonics, lasers, квантовые резонаторы", "themes": themes},
        {"expertise_keywords": "lasers, machine learning", "partner_types": ["university", "sme"]},
        # no theme: a row is read only for its keywords, some of them by their skeleton keys
        {"expertise_keywords": "квантовым резонатором, lasers", "partner_types": ["research"]},
        {"expertise_keywords": "", "themes": themes[1:]},
        {"expertise_keywords": "photonics", "countries_min": 3, "partners_wanted": 3},
        {"expertise_keywords": "lasers", "themes": themes[2:], "partner_side": "ru"},
        {"expertise_keywords": "photonics, lasers", "countries_min": 3, "partners_wanted": 3},
        {
            "expertise_keywords": "quantum resonator, photonics",
            "themes": themes[:1],
            "countries_min": 4,
            "partners_wanted": 4,
            "partner_types": ["research"],
        },
    ]
    for ask in asks:
        request = make_request(tomsk, **ask)
        for limit in (3, 10, 20):
            suggestions = matching.suggest_partners(request=request, limit=limit)
            assert [s.organisation.pk for s in suggestions] == reference_ids(request, limit), (
                ask,
                limit,
            )
            for s in suggestions:
                o = s.organisation
                assert o.status == Organisation.Status.PUBLISHED
                assert o.pk != tomsk.pk
                assert matching.side_of(o.country) == request.partner_side
                assert not request.partner_types or o.type in request.partner_types


def test_countries_beyond_the_first_rows_are_looked_for(tomsk: Organisation) -> None:
    """The first places must come from three countries, but the best rows are all German:
    the best French and Italian rows (one keyword; only the theme) are found below them,
    although the list is cut at three; when only two countries have relevant rows (counted
    beyond the rows read), the rule asks for two."""
    ict = theme("ICT")
    for i in range(6):
        org(f"German Lab {i}", "DE", keywords="photonics, lasers", fp7_participations=9 - i)
    org("French Lab", "FR", keywords="photonics")
    org("Italian Lab", "IT", themes=[ict])
    org("Spanish Draft", "ES", themes=[ict], status=Organisation.Status.DRAFT)
    request = make_request(
        tomsk,
        expertise_keywords="photonics, lasers",
        themes=[ict],
        partners_wanted=3,
        countries_min=3,
    )

    suggestions = matching.suggest_partners(request=request, limit=3)

    assert names(suggestions) == ["German Lab 0", "French Lab", "Italian Lab"]
    assert [s.organisation.pk for s in suggestions] == reference_ids(request, 3)
    # without the theme only two countries have a relevant row: the third place is German
    request.themes.set([])
    request = TwinningRequest.objects.select_related("organisation__country").get(pk=request.pk)
    suggestions = matching.suggest_partners(request=request, limit=3)
    assert names(suggestions) == ["German Lab 0", "German Lab 1", "French Lab"]
    assert [s.organisation.pk for s in suggestions] == reference_ids(request, 3)


def test_an_organisations_tags_are_its_themes_fp7_record_and_country() -> None:
    """The bands are read from the match vector's tags (``MATCH_TAGS``): a row's tags must be its
    themes, a tag for each FP7 participation up to ``FP7_CAP`` (a record above the cap counts
    as the cap, as in the score) and its country; themes or participations changed later
    change them (the trigger of ``theme_ids``, the expression over the row)."""
    from django.db import connection

    ict, nmp = theme("ICT"), theme("NMP")
    veteran = org("Veteran Lab", "FI", themes=[ict, nmp], fp7_participations=matching.FP7_CAP + 7)
    newcomer = org("Newcomer Lab", "RU", themes=[nmp], fp7_participations=2)

    def tags(organisation: Organisation) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {matching.MATCH_TAGS} FROM {matching.ORGANISATIONS} o WHERE o.id = %s",  # noqa: S608
                [organisation.pk],
            )
            return sorted(cursor.fetchone()[0])

    def found(where: matching.Where) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT o.id FROM {matching.ORGANISATIONS} o WHERE {where.sql}",  # noqa: S608
                where.params,
            )
            return {pk for (pk,) in cursor.fetchall()}

    assert tags(veteran) == sorted(
        [ict.pk, nmp.pk, matching.country_tag(veteran.country_id)]
        + [matching.fp7_tag(n) for n in range(1, matching.FP7_CAP + 1)]
    )
    assert tags(newcomer) == sorted(
        [
            nmp.pk,
            matching.fp7_tag(1),
            matching.fp7_tag(2),
            matching.country_tag(newcomer.country_id),
        ]
    )
    assert found(matching.has_tags([nmp.pk, matching.fp7_tag(2)])) == {veteran.pk, newcomer.pk}
    assert found(matching.has_tags([nmp.pk, matching.fp7_tag(3)])) == {veteran.pk}
    assert found(matching.has_tags([matching.country_tag(newcomer.country_id)])) == {newcomer.pk}

    newcomer.themes.set([ict])
    Organisation.objects.filter(pk=newcomer.pk).update(fp7_participations=0)
    assert tags(newcomer) == [matching.country_tag(newcomer.country_id), ict.pk]
    with pytest.raises(ValueError, match="no tag"):
        matching.fp7_tag(matching.FP7_CAP + 1)
