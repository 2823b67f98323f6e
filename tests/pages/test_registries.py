"""What the apps contribute through registries (filled in their AppConfig.ready()): the beat
schedule, demo seeders (imported only when seeding)."""

from __future__ import annotations

import os
import subprocess
import sys

from portal import schedule
from portal.celery_app import app
from portal.pages.demo import seeders


def test_beat_runs_what_every_app_registered():
    app.finalize()
    beat = app.conf.beat_schedule
    assert set(beat) == {t.name for t in schedule.tasks()}
    tasks = {entry["task"] for entry in beat.values()}
    assert {
        "portal.pages.tasks.heartbeat",
        "cooperation.tasks.offers_expire",
        "cooperation.tasks.offers_send_expiry_reminders",
        "events.tasks.registrations_send_reminders",
        "twinning.tasks.requests_expire",
    } <= tasks
    # every scheduled task exists in the Celery app
    app.loader.import_default_modules()
    assert tasks <= set(app.tasks)


def test_seeders_are_registered_by_path():
    assert [s.key for s in seeders()] == [
        "accounts.users",
        "cooperation",
        "events",
        "brokerage",
        "fp7_contacts",
        "twinning",
    ]


def test_a_web_process_does_not_import_the_demo_data(database_url):
    code = (
        "import sys, django; django.setup(); import portal.urls, portal.wsgi; "
        "print(sorted(m for m in sys.modules if 'demo' in m.split('.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    assert result.stdout.strip() == "['portal.pages.demo']"


def test_monitoring_figures_come_from_the_apps(db):
    import datetime

    from django.utils import timezone

    from portal.monitoring import figures
    from tests.cooperation.factories import WorkflowOfferFactory
    from tests.events.factories import quick_event, register

    now = timezone.now()
    event = quick_event()
    register(event)
    register(event)
    WorkflowOfferFactory()
    values = figures.values(
        start=now - datetime.timedelta(hours=1), end=now + datetime.timedelta(hours=1)
    )
    assert values["events.registrations"] == 2
    assert values["cooperation.offers_published"] == 1
    earlier = figures.values(
        start=now - datetime.timedelta(days=2), end=now - datetime.timedelta(days=1)
    )
    assert earlier == {
        "cooperation.offers_published": 0,
        "events.registrations": 0,
        "brokerage.requested": 0,
        "brokerage.held": 0,
        "brokerage.outcomes": 0,
        "fp7_contacts.enquiries_received": 0,
        "fp7_contacts.enquiries_answered": 0,
        "fp7_contacts.median_first_answer_hours": 0.0,
        "twinning.requests_published": 0,
        "twinning.responses": 0,
        "twinning.partnerships": 0,
        "twinning.exchanges": 0,
        "twinning.joint_publications": 0,
        "twinning.joint_proposals": 0,
        "twinning.funding_won": 0.0,
    }


def test_digest_sections_registry_orders_sections():
    from portal.newsletter import digest

    before = list(digest.sections())
    section = digest.DigestSection(key="test.late", label="Late", items=lambda **kw: [], order=999)
    digest.register(section)
    try:
        assert digest.sections()[-1] is section
    finally:
        digest._sections.pop("test.late")
    assert digest.sections() == before
