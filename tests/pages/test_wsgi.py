"""The served application (``portal.wsgi``) as a fresh worker loads it."""

from __future__ import annotations

import os

from tests.processes import run_python


def test_a_worker_starts_with_the_search_tables_built(database_url):
    """A worker builds the search's word tables at start-up (``portal.search.load_tables``):
    otherwise its first Cyrillic search stemmed the 1,200 Russian words of the translations
    and read the places' file while a visitor waited; and it names the time zones' cities in
    each language (``portal.timezones.load_names``: the first form with a zone read the CLDR's
    data, 130 ms). Nothing in it asks the database."""
    script = (
        "import portal.wsgi; from portal.search import places, text; "
        "from portal import timezones; from django.conf import settings; "
        "from django.db import connection; "
        "print(text.english_counterparts.cache_info().currsize, "
        "places.tables.cache_info().currsize, connection.connection is None, "
        "timezones._cldr_city.cache_info().currsize "
        ">= len(settings.LANGUAGES) * len(timezones._other_zones()) > 0)"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = run_python("-c", script, env=env, check=True)
    assert result.stdout.split() == ["1", "1", "True", "True"]
