"""CORDIS organisations import: both layouts, idempotence, privacy, track record, broken files."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.db.models import Count, Q, Sum

import cooperation
from cooperation import cordis
from cooperation.models import Organisation, OrganisationParticipation
from cooperation.services import cordis_import as cordis_import_module
from cooperation.services.cordis_import import cordis_import
from portal.reference.models import Country

pytestmark = pytest.mark.django_db

SAMPLES = Path(cooperation.__file__).parent / "sample_data"
FP7_SAMPLE = SAMPLES / "cordis_fp7_organizations_sample.csv"
PROJECTS_SAMPLE = SAMPLES / "cordis_organization_sample.csv"
FP7_LINES = FP7_SAMPLE.read_text(encoding="utf-8").splitlines()
FP7_HEADER = FP7_LINES[0]

# The fake personal data of the sample files; none of it may reach the database.
CONTACT_DATA = (
    "Zebulon",
    "Quartermaine",
    "zebulon.fakename@",
    "1234 567890",
    "1234 567891",
    "Project Manager",
    "Quayside Fakeway",
    "AB99 9ZZ",
    "DE000000001",
    "EL000000002",
    "Hafenstrasse",
    "Fake prospekt",
    "contact-form.example",
    "62.03,129.73",
)


@pytest.fixture(autouse=True)
def countries() -> None:
    """The reference data migration loads every country; make sure ours exist regardless."""
    for code, name in [
        ("DE", "Germany"),
        ("RU", "Russia"),
        ("GR", "Greece"),
        ("GB", "United Kingdom"),
        ("FR", "France"),
        ("IT", "Italy"),
        ("FI", "Finland"),
        ("SE", "Sweden"),
        ("NL", "Netherlands"),
    ]:
        Country.objects.get_or_create(
            code=code, defaults={"name_en": name, "name_ru": name, "status": "eu"}
        )


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_cordis_organisations", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return (
        [dict(row) for row in Organisation.objects.order_by("pk").values()],
        [dict(row) for row in OrganisationParticipation.objects.order_by("pk").values()],
    )


def org(pic: str) -> Organisation:
    return Organisation.objects.select_related("country").get(pic=pic)


def write_fp7(tmp_path: Path, *rows: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([FP7_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


# --- FP7 layout --------------------------------------------------------------------------------


def test_fp7_sample_imports_organisations_and_participations() -> None:
    output = run(FP7_SAMPLE)

    assert Organisation.objects.count() == 10
    assert OrganisationParticipation.objects.count() == 20
    assert set(OrganisationParticipation.objects.values_list("programme", flat=True)) == {"FP7"}
    assert set(Organisation.objects.values_list("status", flat=True)) == {"published"}
    assert "25 rows read: 20 imported, 5 skipped." in output
    assert "Organisations: 10 created, 0 already present." in output
    assert "FP7 participations: 20 created, 0 updated, 0 unchanged." in output


def test_importing_the_same_file_twice_leaves_the_same_rows() -> None:
    run(FP7_SAMPLE)
    run(PROJECTS_SAMPLE)
    before = snapshot()

    output = run(FP7_SAMPLE)
    run(PROJECTS_SAMPLE)

    assert snapshot() == before
    assert "Organisations: 0 created, 10 already present." in output
    assert "FP7 participations: 0 created, 0 updated, 20 unchanged." in output


def test_cordis_country_codes_become_iso_codes() -> None:
    run(FP7_SAMPLE)

    assert org("999000033").country.code == "GR"  # EL in CORDIS
    assert org("999000044").country.code == "GB"  # UK in CORDIS
    assert org("999000022").country.code == "RU"
    assert not Organisation.objects.filter(country__code__in=["EL", "UK"]).exists()


def test_contact_data_is_stored_nowhere() -> None:
    run(FP7_SAMPLE)
    run(PROJECTS_SAMPLE)
    assert Organisation.objects.filter(pic="999000044").exists()  # the row with contact data

    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if not text_fields:
            continue
        condition = Q()
        for needle in CONTACT_DATA:
            for name in text_fields:
                condition |= Q(**{f"{name}__icontains": needle})
        assert not model._default_manager.filter(condition).exists(), model


def test_track_record_is_computed_from_participations() -> None:
    run(FP7_SAMPLE)

    uninord = org("999000011")
    assert (uninord.fp7_participations, uninord.fp7_coordinations) == (3, 2)
    assert uninord.fp7_ec_contribution == Decimal("2305000.50")  # 1250000,50 + 980000 + 75000,00
    ipr = org("999000022")  # the duplicate row on line 26 is not counted
    assert (ipr.fp7_participations, ipr.fp7_coordinations) == (3, 1)
    assert ipr.fp7_ec_contribution == Decimal("600000.25")
    assert org("999000033").fp7_ec_contribution == Decimal("439000.75")
    assert org("999000066").fp7_ec_contribution == Decimal("72345.67")  # 60000 + 12.345,67
    tomsk = org("999000099")  # empty contribution
    assert (tomsk.fp7_participations, tomsk.fp7_ec_contribution) == (1, Decimal(0))
    for organisation in Organisation.objects.annotate(
        n=Count("participations"),
        c=Count("participations", filter=Q(participations__role="coordinator")),
        s=Sum("participations__ec_contribution"),
    ):
        assert organisation.fp7_participations == organisation.n
        assert organisation.fp7_coordinations == organisation.c
        assert organisation.fp7_ec_contribution == organisation.s


def test_rows_are_mapped_as_documented() -> None:
    run(FP7_SAMPLE)

    assert {o.pic: o.type for o in Organisation.objects.exclude(pic=None)} == {
        "999000011": "university",
        "999000022": "research",
        "999000033": "research",
        "999000044": "company",
        "999000055": "university",
        "999000066": "public",
        "999000077": "company",
        "999000088": "university",
        "999000099": "research",
    }
    uninord = org("999000011")
    assert uninord.name == "UNIVERSITAET NORDHAFEN"  # kept as given, upper case
    assert (uninord.short_name, uninord.city) == ("UNINORD", "Nordhafen")
    assert uninord.website == "http://www.uni-nordhafen.example"
    assert org("999000088").name == 'UNIVERSITA DEGLI STUDI "PORTO VECCHIO"; SEDE DI TRIESTE'
    ended = OrganisationParticipation.objects.get(organisation__pic="999000077")
    assert ended.end_of_participation is True
    assert (ended.project_rcn, ended.project_reference, ended.project_acronym) == (
        "990103",
        "900103",
        "KAMCHATKA-GEO",
    )
    assert ended.role == "participant"


def test_organisation_without_pic_is_keyed_by_country_and_name() -> None:
    run(FP7_SAMPLE)
    run(FP7_SAMPLE)

    # Id 12345 (not a PIC) on line 13 and no id on line 17, spelt differently: one organisation.
    verein = Organisation.objects.get(cordis_key="DE:verein fuer kuestenforschung")
    assert verein.pic is None
    assert verein.name == "VEREIN FUER KUESTENFORSCHUNG"  # from its first row
    assert verein.type == "other"
    assert verein.fp7_participations == 2
    assert verein.fp7_ec_contribution == Decimal("43000.00")


def test_skipped_rows_are_reported_with_line_and_reason() -> None:
    report = cordis_import(path=FP7_SAMPLE)

    assert [(row.line, row.reason) for row in report.skipped] == [
        (22, "unknown country code 'XX'."),
        (23, "the EU contribution 'about 50k' is not a number."),
        (24, "the organisation name is empty."),
        (25, "6 columns instead of 23 (an unquoted semicolon?)."),
        (26, "the organisation already takes part in project 900101 on line 3."),
    ]
    assert (report.rows, report.imported) == (25, 20)
    assert not Organisation.objects.filter(pic__in=["999000111", "999000122", "999000133"])


def test_command_prints_skipped_rows_and_summary() -> None:
    output = run(FP7_SAMPLE)

    assert "Line 22 skipped: unknown country code 'XX'." in output
    assert "Line 23 skipped: the EU contribution 'about 50k' is not a number." in output
    assert "Line 24 skipped: the organisation name is empty." in output
    assert "Line 25 skipped: 6 columns instead of 23" in output
    assert "Line 26 skipped: the organisation already takes part in project 900101" in output
    assert "Skipped rows by reason: unknown country code (1); non-numeric EU contribution (1)" in (
        output
    )
    assert output.index("Line 26 skipped") < output.index("25 rows read")


def test_existing_organisation_with_the_same_pic_keeps_its_details() -> None:
    own = Organisation.objects.create(
        name="Universität Nordhafen",
        type=Organisation.Type.UNIVERSITY,
        country=Country.objects.get(code="DE"),
        pic="999000011",
        website="https://uni-nordhafen.example",
    )

    report = cordis_import(path=FP7_SAMPLE)

    own.refresh_from_db()
    assert (own.name, own.status, own.website) == (
        "Universität Nordhafen",
        "draft",
        "https://uni-nordhafen.example",
    )
    assert (own.fp7_participations, own.fp7_coordinations) == (3, 2)
    assert (report.organisations_created, report.organisations_existing) == (9, 1)


def test_changed_participation_is_updated_and_the_track_record_recomputed(
    tmp_path: Path,
) -> None:
    run(FP7_SAMPLE)
    changed = [
        line.replace(";coordinator;999000011;", ";participant;999000011;").replace(
            "1250000,50", "1000000"
        )
        if line.startswith("990101;900101;POLARIS-NET;coordinator;999000011;")
        else line
        for line in FP7_LINES[1:]
    ]

    report = cordis_import(path=write_fp7(tmp_path, *changed))

    assert (report.participations_created, report.participations_updated) == (0, 1)
    uninord = org("999000011")
    assert (uninord.fp7_participations, uninord.fp7_coordinations) == (3, 1)
    assert uninord.fp7_ec_contribution == Decimal("2055000.00")


def test_search_columns_are_refreshed() -> None:
    run(FP7_SAMPLE)

    ipr = org("999000022")
    assert "INSTITUTE OF POLAR RESEARCH" in ipr.search_names
    assert "Murmansk" in ipr.search_names


# --- organization.csv layout -------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False], ids=["with-bom", "without-bom"])
def test_projects_layout_imports(tmp_path: Path, bom: bool) -> None:
    data = PROJECTS_SAMPLE.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    path = tmp_path / "organization.csv"
    path.write_bytes(data if bom else data[len(codecs.BOM_UTF8) :])

    report = cordis_import(path=path)

    assert report.layout == cordis.PROJECTS_LAYOUT.label
    assert Organisation.objects.count() == 6
    assert OrganisationParticipation.objects.count() == 9
    assert [(row.line, row.reason) for row in report.skipped] == [(9, "unknown country code 'ZZ'.")]
    kriotekh = org("999000201")
    assert (kriotekh.type, kriotekh.country.code) == ("sme", "RU")  # PRC + SME true
    assert (kriotekh.fp7_participations, kriotekh.fp7_coordinations) == (2, 1)
    assert kriotekh.fp7_ec_contribution == Decimal("395000.00")
    aigrob = org("999000202")
    assert (aigrob.type, aigrob.country.code) == ("company", "GR")  # PRC, SME false; EL
    cfi = org("999000203")
    assert cfi.country.code == "GB"
    third = cfi.participations.get()
    assert (third.role, third.ec_contribution) == ("thirdParty", Decimal(0))
    assert org("999000204").fp7_ec_contribution == Decimal("42000.50")
    ice_core = OrganisationParticipation.objects.get(
        organisation__pic="999000204", project_reference="900203"
    )
    assert (ice_core.role, ice_core.end_of_participation) == ("coordinator", True)
    poolwerk = Organisation.objects.get(cordis_key="NL:stichting poolwerk")  # id 88123: no PIC
    assert poolwerk.participations.get().role == "associatedPartner"
    assert org("999000011").fp7_ec_contribution == Decimal("500000.50")


def test_programme_option_labels_participations_and_leaves_fp7_track_record(
    tmp_path: Path,
) -> None:
    output = run(PROJECTS_SAMPLE, "--programme", "H2020")

    assert "H2020 participations: 9 created" in output
    assert set(OrganisationParticipation.objects.values_list("programme", flat=True)) == {"H2020"}
    assert org("999000201").fp7_participations == 0


# --- Broken files ------------------------------------------------------------------------------

GOOD_ROWS = FP7_LINES[1:4]
ROW = "990109;900109;BROKEN;participant;999000555;{name};BR;PRC;false;1000;DE;;Kiel;;;;;;;;;;"


def _comma_separated(tmp_path: Path) -> Path:
    path = tmp_path / "comma.csv"
    path.write_text(FP7_SAMPLE.read_text(encoding="utf-8").replace(";", ","), encoding="utf-8")
    return path


def _latin1_row_at_the_end(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "\n".join([FP7_HEADER, *GOOD_ROWS]).encode()
        + b"\n"
        + ROW.format(name="CAF\xc9").encode("latin-1")
    )
    return path


def _unbalanced_quote_at_the_end(tmp_path: Path) -> Path:
    return write_fp7(tmp_path, *GOOD_ROWS, ROW.format(name='"BROKEN GMBH'))


def _quote_inside_quoted_field(tmp_path: Path) -> Path:
    return write_fp7(tmp_path, *GOOD_ROWS, ROW.format(name='"BROKEN "X" GMBH"'), *GOOD_ROWS)


def _quote_swallowing_rows(tmp_path: Path) -> Path:
    return write_fp7(
        tmp_path,
        *GOOD_ROWS,
        ROW.format(name='"BROKEN GMBH'),
        ROW.format(name='SWALLOWED"'),
        *FP7_LINES[5:8],
    )


def _missing_column(tmp_path: Path) -> Path:
    path = tmp_path / "missing.csv"
    lines = [";".join(line.split(";")[:9] + line.split(";")[10:]) for line in FP7_LINES[:10]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _unknown_header(tmp_path: Path) -> Path:
    path = tmp_path / "unknown.csv"
    path.write_text("code;label\n1;x\n", encoding="utf-8")
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"\n\n")
    return path


def _nul_bytes(tmp_path: Path) -> Path:
    path = tmp_path / "binary.csv"
    path.write_bytes("\n".join([FP7_HEADER, *GOOD_ROWS]).encode() + b"\nPK\x03\x04\x00\x00\n")
    return path


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (_comma_separated, "separated by commas"),
        (_latin1_row_at_the_end, "Line 5 is not valid UTF-8"),
        (_unbalanced_quote_at_the_end, "record starting on line 5 has broken quoting"),
        (_quote_inside_quoted_field, "record starting on line 5 has broken quoting"),
        (_quote_swallowing_rows, "record on lines 5-6 looks like several rows run together"),
        (_missing_column, "lacks required columns: ecContribution"),
        (_unknown_header, "matches no CORDIS organisation layout"),
        (_empty, "The file is empty"),
        (_nul_bytes, "Line 5 contains NUL bytes"),
    ],
)
def test_structurally_broken_file_imports_nothing(
    tmp_path: Path, make_file: Callable[[Path], Path], message: str
) -> None:
    run(PROJECTS_SAMPLE)
    before = snapshot()
    path = make_file(tmp_path)

    with pytest.raises(CommandError, match=message) as excinfo:
        run(path)

    assert "nothing was changed" in str(excinfo.value)
    assert snapshot() == before


def test_missing_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nope.csv")


def test_failure_during_import_rolls_everything_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cordis_import_module._Importer, "finish", fail)

    with pytest.raises(RuntimeError):
        cordis_import(path=FP7_SAMPLE)

    assert not Organisation.objects.exists()
    assert not OrganisationParticipation.objects.exists()


# --- Large files -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_import_leaves_the_tables_vacuumed_for_the_first_searches(tmp_path: Path) -> None:
    """After its transaction, the import vacuums what it wrote (``words.indexes_tidy``): the
    pages are known all-visible and no row's visibility is left to the first search to
    check (a common search on a table just written took twice as long the first time)."""

    def all_visible_pages() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relallvisible FROM pg_class WHERE oid = %s::regclass",
                [Organisation._meta.db_table],
            )
            return int(cursor.fetchone()[0])

    rows = [
        f"{100_000 + n};{100_000 + n};P{n};participant;{900_000_000 + n};ORGANISATION {n};O{n};"
        f"REC;false;1000,50;DE;Street {n};Berlin;{n};www.o{n}.example;Legal;Dr;First;Last;Boss;"
        f"1;2;x{n}@o.example"
        for n in range(400)
    ]
    run(write_fp7(tmp_path, *rows))

    assert Organisation.objects.count() == 400
    assert all_visible_pages() > 0


def test_30000_rows_import_whole(tmp_path: Path) -> None:
    organisations, per_project = 8000, 10
    codes = ["DE", "RU", "EL", "UK", "FR"]
    path = tmp_path / "large.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(FP7_HEADER + "\n")
        for n in range(30_000):
            i = (n * 7919) % organisations  # distinct organisations within each project
            project = 100_000 + n // per_project
            handle.write(
                f"{project};{project};P{project};"
                f"{'coordinator' if n % per_project == 0 else 'participant'};"
                f"{'' if i % 10 == 0 else 900_000_000 + i};ORGANISATION NUMBER {i};O{i};"
                f"{['HES', 'REC', 'PRC', 'PUB', 'OTH'][i % 5]};false;1000,50;{codes[i % 5]};"
                f"Street {i};City {i % 97};{i};www.o{i}.example;Legal;Dr;First;Last;Boss;1;2;"
                f"x{i}@o.example\n"
            )

    out = StringIO()
    report = cordis_import(path=path, stdout=out)

    assert report.skipped == []
    assert Organisation.objects.count() == organisations
    assert Organisation.objects.filter(pic=None).count() == organisations // 10
    assert OrganisationParticipation.objects.count() == 30_000
    totals = Organisation.objects.aggregate(
        n=Sum("fp7_participations"), c=Sum("fp7_coordinations"), s=Sum("fp7_ec_contribution")
    )
    assert totals == {"n": 30_000, "c": 3_000, "s": Decimal("30015000.00")}
    assert "25000 of 30000 rows read." in out.getvalue()  # progress for the person waiting


# --- Pure functions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("", "0"),
        ("  ", "0"),
        ("269328", "269328.00"),
        ("269328.5", "269328.50"),
        ("269328,5", "269328.50"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("1 234 567,89", "1234567.89"),
        ("1,5E+05", "150000.00"),
        ("0.005", "0.01"),
    ],
)
def test_parse_amount(text: str, amount: str) -> None:
    assert cordis.parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["about 50k", "1,2,3", "EUR 100", "NaN", "-5", "1e20", "12.34.5"])
def test_parse_amount_rejects(text: str) -> None:
    with pytest.raises(cordis.RowError):
        cordis.parse_amount(text)


def test_mappings() -> None:
    assert [cordis.iso_country(c) for c in ["EL", "UK", "uk ", "RU", "DE"]] == [
        "GR",
        "GB",
        "GB",
        "RU",
        "DE",
    ]
    assert cordis.organisation_type("PRC", sme=True) == "sme"
    assert cordis.organisation_type("PRC", sme=False) == "company"
    assert cordis.organisation_type("hes") == "university"
    assert cordis.organisation_type("") == "other"
    assert cordis.participation_role("Coordinator") == "coordinator"
    assert cordis.participation_role("internationalPartner") == "other"
    assert cordis.cordis_key("Université  Côte-d'Azur", "FR") == "FR:universite cote d azur"
    assert len(cordis.cordis_key("X" * 300, "DE")) == cordis.CORDIS_KEY_LENGTH
    assert cordis.website("www.example.org") == "http://www.example.org"
    assert cordis.website("not a url") == ""


# --- Leaving search ready --------------------------------------------------------------------


def _row_versions() -> dict[int, str]:
    """Each organisation's row version (``xmin`` changes whenever the row is written)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text FROM cooperation_organisation")
        return dict(cursor.fetchall())


def test_a_reimport_of_unchanged_data_writes_no_organisation_row() -> None:
    """A re-import must not rewrite (and so grow) the table; it reports what changed."""
    first = cordis_import(path=FP7_SAMPLE)
    assert first.organisations_changed == 10  # new organisations got their track record
    versions = _row_versions()

    again = cordis_import(path=FP7_SAMPLE)

    assert again.organisations_changed == 0
    assert _row_versions() == versions
    assert "0 organisations' FP7 track records changed." in run(FP7_SAMPLE)


def test_new_organisations_are_written_once_with_their_track_record() -> None:
    """A row inserted and then given its track record leaves a dead row behind it: imported
    so, a table is half empty once vacuumed, and every search reads twice the pages."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(n_tup_upd), 0) FROM pg_stat_xact_user_tables "
            "WHERE relid = 'cooperation_organisation'::regclass"
        )
        before = cursor.fetchone()[0]
        report = cordis_import(path=FP7_SAMPLE)
        cursor.execute(
            "SELECT COALESCE(SUM(n_tup_upd), 0) FROM pg_stat_xact_user_tables "
            "WHERE relid = 'cooperation_organisation'::regclass"
        )
        assert cursor.fetchone()[0] == before
    assert report.organisations_created == 10
    coordinator = org("999000011")
    assert (coordinator.fp7_participations, coordinator.fp7_coordinations) == (
        coordinator.participations.filter(programme="FP7").count(),
        coordinator.participations.filter(programme="FP7", role="coordinator").count(),
    )
    assert coordinator.fp7_coordinations >= 1
    assert coordinator.fp7_ec_contribution == sum(
        p.ec_contribution for p in coordinator.participations.filter(programme="FP7")
    )


def test_a_changed_track_record_is_written_and_reported(tmp_path: Path) -> None:
    run(FP7_SAMPLE)
    versions = _row_versions()
    changed = [
        line.replace("1250000,50", "1000000")
        if line.startswith("990101;900101;POLARIS-NET;coordinator;999000011;")
        else line
        for line in FP7_LINES[1:]
    ]
    report = cordis_import(path=write_fp7(tmp_path, *changed))
    assert report.organisations_changed == 1
    after = _row_versions()
    assert [pk for pk in versions if versions[pk] != after[pk]] == [org("999000011").pk]


def test_new_organisations_are_searchable_and_analysed_at_once() -> None:
    from cooperation.selectors.partners import organisation_list

    run(FP7_SAMPLE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'cooperation_organisation'")
        assert cursor.fetchone()[0] == Organisation.objects.count()
    # a misspelling, right after the import: the word table has the new words
    assert [o.pic for o in organisation_list({"q": "Insitute of Polar Reserch"}).rows][:1] == [
        "999000022"
    ]
