"""The portal's Celery application, configured from Django settings (``CELERY_`` namespace)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _beat_schedule(sender: Celery, **kwargs: object) -> None:
    """Beat runs what the apps registered in ``portal.schedule`` (Django is set up by now)."""
    from portal import schedule

    sender.conf.beat_schedule = schedule.beat_schedule()
