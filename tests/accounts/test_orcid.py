"""ORCID login is offered exactly when ORCID_CLIENT_ID and ORCID_SECRET are set.

Settings are read at start-up, so each case runs the portal in a fresh process with its own
environment, on the tests' database.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.processes import run_python

SCRIPT = """
import django
django.setup()
from django.test import Client
html = Client().get("/en/accounts/login/").content.decode()
print("ORCID-LINK" if "/accounts/orcid/login/" in html else "NO-ORCID-LINK")
"""


def _login_page(tmp_path: Path, database_url: str, **extra: str) -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": database_url,
        **extra,
    }
    result = run_python("-c", SCRIPT, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_orcid_login_is_offered_when_configured(tmp_path, database_url):
    assert (
        _login_page(tmp_path, database_url, ORCID_CLIENT_ID="APP-TEST", ORCID_SECRET="s3cret")
        == "ORCID-LINK"
    )


def test_no_orcid_login_without_credentials(tmp_path, database_url):
    assert _login_page(tmp_path, database_url) == "NO-ORCID-LINK"
