"""CSV import/export (idempotent, rejected rows reported), the service dashboard and its CSV,
the registries (personal data, figures, digest, beat)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from fp7_contacts import csv_io
from fp7_contacts.models import ContactPoint, ContactPointChange, Enquiry
from fp7_contacts.services import enquiries
from fp7_contacts.services.points import contact_person_save
from tests.accounts.factories import PASSWORD, UserFactory
from tests.fp7_contacts.factories import make_point, ncp_staff, site_staff, subject, theme

pytestmark = pytest.mark.django_db


def export_text(client: Client) -> str:
    response = client.get("/en/contacts/manage/export.csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("points.csv", text.encode("utf-8"), content_type="text/csv")


def test_export_then_import_changes_nothing(client: Client) -> None:
    make_point(
        code="rcp-tomsk",
        subjects=("RU-TOM",),
        themes=("ICT", "NMP"),
        phone="+7 3822 123-456",
        name_ru="Томская точка",
        languages=["ru", "en"],
        services=("training",),
    )
    make_point(code="ncp-ict", kind=ContactPoint.Kind.NATIONAL, themes=("ICT",))
    client.force_login(site_staff())
    text = export_text(client)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["code"] for r in rows] == ["ncp-ict", "rcp-tomsk"]
    assert rows[1]["themes"] == "ICT;NMP"
    assert rows[1]["phone"] == "'+7 3822 123-456"  # the spreadsheet guard
    before = ContactPointChange.objects.count()
    report = csv_io.points_import(by=site_staff(), file=upload(text))
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 2, [])
    assert ContactPointChange.objects.count() == before
    assert ContactPoint.objects.get(code="rcp-tomsk").phone == "+7 3822 123-456"


def test_import_creates_updates_and_reports_rejected_rows() -> None:
    make_point(code="rcp-tomsk", subjects=("RU-TOM",))
    text = (
        "code,kind,name_en,name_ru,host_institution_en,subjects,themes,languages,active\n"
        "rcp-tomsk,regional,Tomsk renamed,,Host,RU-TOM,ICT,ru,1\n"
        "rcp-omsk,regional,Omsk point,Омская точка,Omsk host,RU-OMS,,ru;en,1\n"
        "rcp-bad,regional,Bad point,,Host,RU-XX,,ru,1\n"
        "rcp-nohost,regional,No host,,,RU-OMS,,ru,1\n"
        "Bad Code!,regional,X,,Host,,,ru,1\n"
        "rcp-kind,planetary,X,,Host,,,ru,1\n"
        "rcp-script,regional,<script>alert(1)</script>,,Host,,,xx-long,1\n"
    )
    report = csv_io.points_import(by=site_staff(), file=upload(text))
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert [(r.line, r.code) for r in report.rejected] == [
        (4, "rcp-bad"),
        (5, "rcp-nohost"),
        (6, "Bad Code!"),
        (7, "rcp-kind"),
        (8, "rcp-script"),
    ]
    assert "RU-XX" in " ".join(report.rejected[0].errors)
    assert ContactPoint.objects.get(code="rcp-tomsk").name_en == "Tomsk renamed"
    omsk = ContactPoint.objects.get(code="rcp-omsk")
    assert omsk.name_ru == "Омская точка"
    assert omsk.languages == ["ru", "en"]
    assert not ContactPoint.objects.filter(code__in=["rcp-bad", "rcp-nohost", "rcp-kind"]).exists()
    # the same file again: nothing new, nothing changed
    again = csv_io.points_import(by=site_staff(), file=upload(text))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert len(again.rejected) == 5


def test_import_page_shows_the_report_and_refuses_bad_files(client: Client) -> None:
    client.force_login(site_staff())
    response = client.post(
        "/en/contacts/manage/import/",
        {
            "file": upload(
                "code,kind,name_en,host_institution_en\nrcp-x,regional,X,Host\nrcp-y,alien,Y,H\n"
            )
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 created, 0 updated, 0 unchanged, 1 rejected." in body
    bad = client.post(
        "/en/contacts/manage/import/",
        {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00garbage", content_type="text/csv")},
    )
    assert bad.status_code == 200
    assert "not UTF-8" in bad.content.decode()
    no_columns = client.post("/en/contacts/manage/import/", {"file": upload("name\nX\n")})
    assert "has no column" in no_columns.content.decode()


def test_import_refuses_control_characters_and_oversized_fields_with_a_reason(
    client: Client,
) -> None:
    """A control character in a cell and a field past the csv module's limit (131,072
    characters) failed the row's insert and the reader (500s): the row is rejected with the
    reason, the rows before an unreadable one are imported, and a header past the limit
    refuses the file. A NUL is a binary file (``portal.csv_import``): refused whole."""
    header = "code,kind,name_en,host_institution_en\n"
    report = csv_io.points_import(
        by=site_staff(),
        file=upload(f"{header}rcp-a,regional,Good,Host\nrcp-b,regional,Na\x01me,Host\n"),
    )
    assert report.created == 1
    ((line, code, errors),) = [(r.line, r.code, r.errors) for r in report.rejected]
    assert (line, code) == (3, "rcp-b")
    assert "control characters" in " ".join(errors)
    huge = "x" * 200_000
    report = csv_io.points_import(
        by=site_staff(),
        file=upload(f"{header}rcp-c,regional,C,Host\nrcp-d,regional,{huge},Host\n"),
    )
    assert report.created == 1
    assert "not valid CSV" in " ".join(report.rejected[0].errors)
    client.force_login(site_staff())
    page = client.post("/en/contacts/manage/import/", {"file": upload(f"code,kind,{huge}\n")})
    assert page.status_code == 200
    assert "not valid CSV" in page.content.decode()


def test_a_file_excel_saved_with_semicolons_is_imported() -> None:
    """Excel in a Russian (or German, French) locale saves "CSV UTF-8" with semicolons
    between the cells and a byte order mark; the codes of a relation, separated by ";"
    inside a cell, are then quoted. Read with commas only, every such file had "no column
    code, kind"."""
    text = (
        "\ufeffcode;kind;name_en;host_institution_en;themes\n"
        'rcp-omsk;regional;Omsk point;Omsk State University;"ICT;NMP"\n'
    )
    report = csv_io.points_import(by=site_staff(), file=upload(text))
    assert (report.created, report.rejected) == (1, [])
    point = ContactPoint.objects.get(code="rcp-omsk")
    assert point.host_institution_en == "Omsk State University"
    assert sorted(t.code for t in point.themes.all()) == ["ICT", "NMP"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\n \n", "The file is empty."),
        (b"PK\x03\x04\x00\x00code,kind", "This is not a CSV text file."),
        (b"code,kind\n" + b"x" * (csv_io.MAX_BYTES), "The file is larger than 2 MB."),
    ],
)
def test_a_file_that_is_not_csv_text_is_refused_whole_with_the_reason(
    client: Client, content: bytes, message: str
) -> None:
    client.force_login(site_staff())
    response = client.post(
        "/en/contacts/manage/import/",
        {"file": SimpleUploadedFile("points.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactPoint.objects.exists()


def test_ncp_staff_cannot_import() -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        csv_io.points_import(by=ncp_staff(), file=upload("code,kind\n"))


@pytest.fixture
def answered_network():
    staff = ncp_staff("tomsk.staff@example.org")
    tomsk = make_point(code="rcp-tomsk", subjects=("RU-TOM",), staff=(staff,))
    make_point(code="rcp-central", districts=("CFD",))
    researcher = UserFactory()
    asked = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC)  # a Monday, Q4
    made = []
    for n, hours in enumerate((2, 10, None)):
        e = enquiries.enquiry_create(
            author=researcher,
            subject=subject("RU-TOM"),
            theme=theme("ICT"),
            title=f"Q{n}",
            question="?",
        )
        Enquiry.objects.filter(pk=e.pk).update(created_at=asked)
        if hours is not None:
            Enquiry.objects.filter(pk=e.pk).update(
                first_answered_at=asked + datetime.timedelta(hours=hours), status="answered"
            )
        made.append(e)
    other = enquiries.enquiry_create(
        author=researcher, subject=subject("RU-MOW"), theme=theme("HEALTH"), title="M", question="?"
    )
    return {"staff": staff, "tomsk": tomsk, "enquiries": made, "other": other}


def test_dashboard_figures(client: Client, answered_network) -> None:
    from fp7_contacts import selectors

    data = selectors.dashboard(user=site_staff())
    assert (data.totals.received, data.totals.answered, data.totals.median_hours) == (4, 2, 6.0)
    assert data.totals.overdue == 1  # asked on 5 October, never answered
    assert [(r.label, r.received, r.overdue) for r in data.by_quarter][-1] == ("2026 Q4", 4, 1)
    by_district = {r.key: (r.received, r.answered) for r in data.by_district}
    assert by_district == {"CFD": (1, 0), "SIBFD": (3, 2)}
    point = selectors.dashboard(user=answered_network["staff"], point=answered_network["tomsk"])
    assert (point.totals.received, point.totals.answered, point.totals.overdue) == (3, 2, 1)
    client.force_login(answered_network["staff"])
    response = client.get("/en/contacts/manage/rcp-tomsk/dashboard/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Breakdown",
        "Group",
        "Received",
        "Answered",
        "Median hours to first answer",
        "Overdue",
    ]
    assert rows[1] == ["Total", "All enquiries", "3", "2", "6.0", "1"]
    # the network's dashboard is site staff's
    assert client.get("/en/contacts/manage/dashboard/").status_code == 403
    assert client.get("/en/contacts/manage/rcp-central/dashboard/").status_code == 403


def test_monitoring_figures(answered_network) -> None:
    from portal.monitoring import figures

    start = datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    end = timezone.now() + datetime.timedelta(days=1)
    values = figures.values(start=start, end=end)
    assert values["fp7_contacts.enquiries_received"] == 4
    assert values["fp7_contacts.enquiries_answered"] == 2
    assert values["fp7_contacts.median_first_answer_hours"] == 6.0


def test_personal_data_export_and_erasure(answered_network) -> None:
    from portal.accounts import personal_data

    researcher = answered_network["enquiries"][0].author
    exported = personal_data.export(researcher)["sections"]["fp7_contacts"]
    assert sorted(e["title"] for e in exported["enquiries"]) == ["M", "Q0", "Q1", "Q2"]
    staff = answered_network["staff"]
    contact_person_save(
        point=answered_network["tomsk"],
        by=site_staff(),
        data={"name": "Tomsk Staff", "email": staff.email, "show_email": True},
    )
    staff_export = personal_data.export(staff)["sections"]["fp7_contacts"]
    assert staff_export["staff_of_contact_points"] == ["rcp-tomsk"]
    assert staff_export["contact_person_entries"][0]["show_email"] is True
    for section in personal_data.sections():
        if section.key == "fp7_contacts" and section.erase:
            section.erase(staff)
    assert not answered_network["tomsk"].people.filter(email=staff.email).exists()


def test_digest_beat_and_menu_registrations(answered_network) -> None:
    from portal import schedule
    from portal.newsletter import digest

    sections = {s.key: s for s in digest.sections()}
    items = sections["fp7_contacts.new_points"].items(
        since=timezone.now() - datetime.timedelta(days=1), themes=[], language="en"
    )
    assert {i.title for i in items} >= {"Contact point rcp-tomsk", "Contact point rcp-central"}
    assert schedule.beat_schedule()["fp7-contacts-overdue-enquiries"] == {
        "task": "fp7_contacts.tasks.enquiries_remind_overdue",
        "schedule": 86400.0,
    }


def test_overdue_task_runs_the_service(answered_network) -> None:
    from fp7_contacts.tasks import enquiries_remind_overdue_task

    assert enquiries_remind_overdue_task() == 1
    assert enquiries_remind_overdue_task() == 0


def test_staff_pages_render(client: Client, answered_network) -> None:
    client.login(email="tomsk.staff@example.org", password=PASSWORD)
    for url in (
        "/en/contacts/manage/",
        "/en/contacts/manage/rcp-tomsk/",
        "/en/contacts/manage/rcp-tomsk/history/",
        "/en/contacts/manage/rcp-tomsk/dashboard/",
        "/ru/contacts/manage/rcp-tomsk/dashboard/",
        "/en/contacts/enquiries/",
    ):
        assert client.get(url).status_code == 200, url
