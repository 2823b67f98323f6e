"""Production settings: `check --deploy` is clean, and missing secrets stop the portal at start.

Each test runs manage.py in a fresh interpreter, because settings are read once at import.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.processes import run_python

# Variables the settings read; the subprocess starts without any of them, so the caller's
# environment cannot change the outcome. REDIS_URL is passed through; DATABASE_URL is the tests'.
_SETTINGS_PREFIXES = ("DJANGO_", "PORTAL_", "CELERY_", "ORCID_", "EMAIL_URL")
_PASSED_THROUGH = ("REDIS_URL",)


def _production_env(tmp_path: Path, database_url: str, **overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SETTINGS_PREFIXES)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "portal.example.org",
            "PORTAL_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": database_url,
        }
    )
    for name in _PASSED_THROUGH:
        if os.environ.get(name):
            env[name] = os.environ[name]
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_python("manage.py", *args, env=env)


def _final_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else ""


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path, database_url: str) -> None:
    env = _production_env(tmp_path, database_url)
    assert len(env["DJANGO_SECRET_KEY"]) >= 50

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


REQUIRED_IN_PRODUCTION = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")


@pytest.mark.parametrize("missing", REQUIRED_IN_PRODUCTION)
def test_production_refuses_to_start_without(
    tmp_path: Path, database_url: str, missing: str
) -> None:
    env = _production_env(tmp_path, database_url, **{missing: None})

    result = _manage("check", env=env)

    assert result.returncode != 0
    error = _final_error_line(result)
    assert error.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert [name for name in REQUIRED_IN_PRODUCTION if name in error] == [missing]
    assert not (tmp_path / "var" / "postgres").exists()  # never an embedded server in production
