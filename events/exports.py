"""CSV export of an event's attendees, for the organisers.

Excel-friendly as every export (``portal.csv_export``): UTF-8 with a byte order mark, ``;`` as
the delimiter, and every cell holding ``;``, a quote or a line break quoted as RFC 4180 says.
Cells a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``) get a leading
apostrophe. Rows are streamed; one column per registration question holds the answers.

Answers are stored in ``Registration.answers`` keyed by the question's id (``"12"``); a list
for multiple choice, a boolean for a checkbox, a string otherwise.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from events.models import Event, Question, Registration
from events.selectors.events import attendee_export_rows
from portal.csv_export import cell as escape_cell
from portal.csv_export import csv_response


def cell(value: Any) -> Any:
    """Like :func:`portal.csv_export.cell`, with booleans as a translated "Yes" or "No"."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return escape_cell(value)


def _utc(value: datetime.datetime | None) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M") if value else ""


def answer_text(question: Question, answers: Mapping[str, Any] | None) -> str:
    """The answer to ``question`` as text (choices joined with "; ")."""
    answers = answers or {}
    value = answers.get(str(question.pk), answers.get(question.pk))  # type: ignore[call-overload]
    if value is None or value == "":
        return ""
    if question.kind == Question.Kind.CHECKBOX or isinstance(value, bool):
        return str(_("Yes")) if value in (True, "true", "True", "on", "1", 1) else str(_("No"))
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def attendee_csv(*, event: Event, params: Mapping[str, Any]) -> StreamingHttpResponse:
    """The attendees of ``event`` matching the attendee list's filters, as a CSV download."""
    found = attendee_export_rows(event=event, params=params)
    statuses = dict(Registration.Status.choices)
    languages = dict(Registration._meta.get_field("language").choices or [])

    def header() -> list[Any]:
        return [
            _("Name"),
            _("E-mail address"),
            _("Organisation"),
            _("Status"),
            _("Registered (UTC)"),
            _("Checked in (UTC)"),
            _("Language"),
            _("On the public participant list"),
            _("Ticket code"),
            *[cell(q.label) for q in found.questions],
        ]

    def rows() -> Iterator[list[Any]]:
        for registration in found.rows:
            user = registration.user
            yield [
                registration.name,
                registration.email,
                user.organisation_name if user else "",
                str(statuses.get(registration.status, registration.status)),
                _utc(registration.created_at),
                _utc(registration.checked_in_at),
                str(languages.get(registration.language, registration.language)),
                registration.consent_public_list,
                registration.ticket_code,
                *[answer_text(q, registration.answers) for q in found.questions],
            ]

    response = csv_response(
        filename=f"{event.slug}-attendees",
        header=header,
        rows=rows,
        to_cell=cell,
    )
    response["Cache-Control"] = "private, no-store"
    return response
