"""ORCID login is offered exactly when ORCID_CLIENT_ID and ORCID_SECRET are set.

Settings are read at start-up, so each case runs the portal in a fresh process with its own
environment, on the test database (migrated already: its ``migrate`` has nothing to do).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
html = Client().get("/en/accounts/login/").content.decode()
print("ORCID-LINK" if "/accounts/orcid/login/" in html else "NO-ORCID-LINK")
"""


def _test_database_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


def _login_page(tmp_path: Path, **extra: str) -> str:
    env = {
        "DATABASE_URL": _test_database_url(),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db
def test_orcid_login_is_offered_when_configured(tmp_path):
    assert _login_page(tmp_path, ORCID_CLIENT_ID="APP-TEST", ORCID_SECRET="s3cret") == "ORCID-LINK"


@pytest.mark.django_db
def test_no_orcid_login_without_credentials(tmp_path):
    assert _login_page(tmp_path) == "NO-ORCID-LINK"
