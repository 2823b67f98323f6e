"""Search recall on real names: does a query as a user types it find the organisation as
CORDIS writes it?

Pairs (``benchmarks/_recall_pairs.py``): Russian institutions and companies as CORDIS holds
them (in English, or romanised: ZOOLOGICAL INSTITUTE OF THE RUSSIAN ACADEMY OF SCIENCES,
INSTITUT KATALIZA IM. G.K. BORESKOVA, GAZPROM LLC), asked for in Russian or English
("Зоологический институт", "Institute of Catalysis", "ООО Газпром"); EU organisations in
their own languages (FORSCHUNGSZENTRUM JUELICH, UNIVERSITA DEGLI STUDI DI ROMA LA SAPIENZA),
asked for in Russian ("Юлих", "Сапиенца"); and ``later_pairs``, both kinds, written a day later
to check the rules on names they were not made for. Every name is registered once, with other rows
that share its words, in the benchmark's own database (``portal_bench_recall``), in a
transaction rolled back at the end; each query is one ``organisation_list`` (the
``/partners/`` code path, 100 rows a page).

``found``: the pairs whose organisation the page shows (planted answers); ``baseline``: the
pairs found by the words as typed alone (tiers 1-4 of ``engine.reference``: the full-text
index with its stemmers, no skeleton keys, translations, acronyms, corrections or
prefixes), measured in the same run. The last line is the JSON result:
``{"pairs": N, "found": n, "found_share": x, "baseline": n, "baseline_share": x,
"sets": {...}, "misses": [[query, name], ...]}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common
import _recall_pairs as pairs

SETS = {
    "russian_institutions": pairs.RUSSIAN_INSTITUTIONS,
    "eu_institutions": pairs.EU_INSTITUTIONS,
    # written later, as a check of the rules on names they were not made for
    "later_pairs": pairs.LATER_PAIRS,
}
#: rows that share the pairs' words, so that recall does not depend on an empty table
OTHERS = (
    "State University {i}",
    "Institute of Physics {i}",
    "Research Centre {i}",
    "Университет {i}",
)


class _RolledBack(Exception):
    pass


def measure() -> dict[str, Any]:
    from django.db import transaction
    from django.db.models import QuerySet

    from cooperation import indexing
    from cooperation.indexing import ORGANISATION_SEARCH
    from cooperation.models import Organisation
    from cooperation.selectors.partners import organisation_list, organisation_public_queryset
    from portal.reference.models import Country
    from portal.search import engine, words

    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            country = Country.objects.get(code="RU")
            names = sorted({name for set_pairs in SETS.values() for _q, name in set_pairs})
            rows = [
                Organisation(
                    name=name,
                    country=country,
                    type=Organisation.Type.RESEARCH_INSTITUTE,
                    status=Organisation.Status.PUBLISHED,
                )
                for name in names
            ]
            rows += [
                Organisation(
                    name=pattern.format(i=i),
                    country=country,
                    type=Organisation.Type.UNIVERSITY,
                    status=Organisation.Status.PUBLISHED,
                )
                for pattern in OTHERS
                for i in range(10)
            ]
            Organisation.objects.bulk_create(rows)
            indexing.organisation_index(ids=[row.pk for row in rows])
            words.words_add(ORGANISATION_SEARCH)
            ids = {row.name: row.pk for row in rows}
            sets: dict[str, dict[str, int]] = {}
            misses: list[list[str]] = []
            for set_name, set_pairs in SETS.items():
                found = baseline = 0
                for query, name in set_pairs:
                    page = organisation_list({"q": query}, page_size=100)
                    shown = {row.pk for row in page.page.object_list}
                    if ids[name] in shown:
                        found += 1
                    else:
                        misses.append([query, name])
                    prepared = engine.prepare(query)
                    if prepared is not None:
                        reference: QuerySet[Any] = engine.reference(
                            organisation_public_queryset(), ORGANISATION_SEARCH, prepared
                        )
                        tiers = dict(reference.values_list("pk", "tier"))
                        baseline += tiers.get(ids[name], 5) <= 4
                sets[set_name] = {"pairs": len(set_pairs), "found": found, "baseline": baseline}
            total = sum(s["pairs"] for s in sets.values())
            found_all = sum(s["found"] for s in sets.values())
            baseline_all = sum(s["baseline"] for s in sets.values())
            if not total or not found_all:
                raise SystemExit("no pair found: the search or the seeding is broken")
            result = {
                "pairs": total,
                "found": found_all,
                "found_share": round(found_all / total, 4),
                "baseline": baseline_all,
                "baseline_share": round(baseline_all / total, 4),
                "sets": sets,
                "misses": misses,
            }
            raise _RolledBack
    except _RolledBack:
        pass
    return result


def main() -> dict[str, Any]:
    url = common.bench_database_url("portal_bench_recall")
    common.ensure_postgres_database(url)
    common.django_setup(url, production=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    result = measure()
    for query, name in result["misses"]:
        common.log(f"missed: {query!r} -> {name}")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
