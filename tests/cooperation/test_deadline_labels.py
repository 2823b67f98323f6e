"""A call deadline's label ("First stage" / "Первый этап") in both languages: shown in the
page's language, the other language's marked with ``lang`` where the page's is missing; the
demo's labels are written in both."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cooperation.demo.calls import CALLS
from cooperation.demo.seed import _fill_deadline_labels
from cooperation.models import CallDeadline
from portal.bilingual import by_script
from tests.cooperation.factories import CallDeadlineFactory, FundingCallFactory

pytestmark = pytest.mark.django_db


def detail(call_pk: int, lang: str) -> str:
    with translation.override(lang):
        return reverse("cooperation:call_detail", args=[call_pk])


def label_cells(html: str) -> list[str]:
    body = html[html.index('id="deadlines-title"') :]
    body = body[: body.index("</tbody>")]
    return [cell.strip() for cell in re.findall(r"<tr[^>]*>\s*<td>(.*?)</td>", body, re.S)]


def test_deadline_labels_are_shown_in_the_pages_language(client):
    call = FundingCallFactory(opens_at=timezone.now() - datetime.timedelta(days=5))
    soon = timezone.now() + datetime.timedelta(days=20)
    CallDeadlineFactory(call=call, deadline=soon, label_en="First stage", label_ru="Первый этап")
    CallDeadlineFactory(
        call=call, deadline=soon + datetime.timedelta(days=90), label_en="Second stage"
    )

    english = label_cells(client.get(detail(call.pk, "en")).content.decode())
    russian = label_cells(client.get(detail(call.pk, "ru")).content.decode())

    assert english == ["<span>First stage</span>", "<span>Second stage</span>"]
    # The Russian page shows the Russian label, and the English one (missing in Russian) marked.
    assert russian == ["<span>Первый этап</span>", '<span lang="en">Second stage</span>']


def test_demo_deadline_labels_are_in_both_languages():
    labels = [label for spec in CALLS for _days, _zone, label in spec.deadlines if label]
    assert labels
    for label in labels:
        assert set(by_script("label", label)) == {"label_en", "label_ru"}, label


def test_demo_calls_seeded_before_get_the_missing_language_of_their_labels():
    spec = next(s for s in CALLS if len([d for d in s.deadlines if d[2]]) == 2)
    call = FundingCallFactory(identifier=spec.identifier)
    first, second = (by_script("label", label) for _days, _zone, label in spec.deadlines)
    now = timezone.now()
    # As migration 0020 left them: each label in the column of its script only.
    CallDeadlineFactory(call=call, deadline=now, label_en=first["label_en"])
    CallDeadlineFactory(
        call=call, deadline=now + datetime.timedelta(days=9), label_ru=second["label_ru"]
    )

    _fill_deadline_labels({spec.identifier})

    rows = CallDeadline.objects.filter(call=call).order_by("deadline")
    assert [(d.label_en, d.label_ru) for d in rows] == [
        (first["label_en"], first["label_ru"]),
        (second["label_en"], second["label_ru"]),
    ]
