from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from portal.accounts.models import User

    call_command("seed_demo", stdout=StringIO())
    first = User.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == first
    staff = User.objects.get(email="staff@demo.example")
    assert staff.has_role("Site staff")
    assert User.objects.filter(groups__name="Event organiser").exists()
    assert User.objects.filter(groups__name="NCP staff").exists()
