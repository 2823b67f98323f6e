"""The long forms in parts, as Chromium lays them out at desktop and phone widths.

Each field is a block of its own: its label above its input, never on the line of the previous
field's input; help texts in one column; choice groups (themes) with their options in columns
on a desktop and within the window on a phone. Django 5.2's ``as_field_group`` has no wrapper
element, and portal.css's rules for choice groups (labels inline, the fieldset's divs in two
columns) took every label and help text of the form parts' fieldsets for options.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from portal.accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, log_in
from tests.cooperation.factories import OrganisationFactory

pytestmark = pytest.mark.browser

FORMS = [
    "twinning:create",
    "cooperation:offer_create",
    "cooperation:organisation_create",
    "events:event_create",
]

# Every label of a text box, select or text area in the form's parts, with the boxes of its
# control and of the control before it; and every help text whose text runs in columns.
MEASURE = """() => {
  const controls = [...document.querySelectorAll(
    'form.stacked-form input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
    + ' form.stacked-form select, form.stacked-form textarea')]
    .filter(c => c.getClientRects().length > 0);
  const rect = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const labels = [];
  for (const label of document.querySelectorAll('form.stacked-form fieldset label[for]')) {
    const control = document.getElementById(label.htmlFor);
    const index = controls.indexOf(control);
    if (index < 0) continue;
    labels.push({
      text: label.textContent.trim(),
      label: rect(label),
      control: rect(control),
      previous: index > 0 ? rect(controls[index - 1]) : null,
    });
  }
  const columned = [...document.querySelectorAll('form.stacked-form .helptext')]
    .filter(h => getComputedStyle(h).columnWidth !== 'auto'
                 || getComputedStyle(h).columnCount !== 'auto')
    .map(h => h.textContent.trim());
  const options = [...document.querySelectorAll('#id_themes input[type=checkbox]')]
    .map(i => rect(i.closest('label')));
  return {labels, columned, options, width: document.documentElement.clientWidth};
}"""


def form_url(name: str) -> str:
    with translation.override("en"):
        return reverse(name)


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_each_field_of_a_long_form_is_a_block_of_its_own(
    browser: Browser, live_server: LiveServer, django_db_serialized_rollback: None, width: int
) -> None:
    member = UserFactory(name="Olga Organiser", roles=(Role.EVENT_ORGANISER,))
    OrganisationFactory(name="Tomsk State University", member=member)
    ctx = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": 900}
    )
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    log_in(ctx, live_server, member)
    page = ctx.new_page()
    problems: list[str] = []
    try:
        for name in FORMS:
            page.goto(form_url(name))
            found: dict[str, Any] = page.evaluate(MEASURE)
            assert len(found["labels"]) >= 5, (name, found["labels"])
            for item in found["labels"]:
                left, top, right, bottom = item["label"]
                c_left, c_top, _c_right, _c_bottom = item["control"]
                if bottom > c_top + 1 or left > c_left + 1:
                    problems.append(f"{name}: “{item['text']}” is not above its own input")
                # Below the previous input, unless beside it (the two languages of a field).
                previous = item["previous"]
                beside = previous and (previous[2] <= left or right <= previous[0])
                if previous and not beside and top < previous[3] - 1:
                    problems.append(
                        f"{name}: “{item['text']}” is on the line of the previous field's input"
                    )
                elif previous and not beside and top < previous[3] + 6:
                    # the questions' and sessions' fields of the event form had no gap
                    problems.append(f"{name}: “{item['text']}” touches the previous input")
            problems += [f"{name}: help text in columns: {text}" for text in found["columned"]]
            options = found["options"]
            assert options, f"{name}: no theme options"
            if any(o[2] > found["width"] for o in options):
                problems.append(f"{name}: a theme option runs past the window")
            if width >= 1280 and len({round(o[0]) for o in options}) < 2:
                problems.append(f"{name}: the theme options are not in columns on a desktop")
    finally:
        ctx.close()
    assert problems == []
