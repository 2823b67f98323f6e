"""Partner search at 100,000 organisations (``--scale 1000000`` for a million): speed and
quality of ``/partners/`` searches, and the page's cost next to a bare Django view.

PostgreSQL only. The database is ``PORTAL_BENCH_DATABASE_URL`` if set; otherwise the server of
``DATABASE_URL`` with the database ``portal_bench`` (``portal_bench_1000000`` for another
scale), never the development database itself. It is created when missing, migrated, and seeded
once when it holds fewer organisations than the scale.

**Data closer to reality** (``seed``): the demo seeder's generated organisations (names with
realistic repetition: "University of <city>", "<city> State University", "<surname> Institute
for <field>", companies, in Cyrillic, romanised upper case as CORDIS writes them, or English),
with descriptions of 300-2,000 characters, inserted in clustered batches (as imports of one
country's file arrive: rows of one country and type together), then 10% of them updated
through the services' indexing (a new sentence and keyword), as edits after an import do;
then vacuumed and analysed, as the CORDIS import leaves its tables (``words.indexes_tidy``).

**Warm-up**: ``BENCH_WARM_UP`` (30) searches of every class, untimed, none of those measured
below (``warm_up``): the figures are those of a server that has been answering searches.

**Queries**: ``BENCH_QUERIES`` (250) distinct queries per class, each used once, built from the
vocabulary (never a seeded name as is): rare (made-up company names), common (a city, with a
field), very_common (two very common words), cyrillic (Russian words in several grammatical
cases), cross_script (other romanisations of Russian names, Cyrillic spellings of EU cities),
typo (one edit in a common word), prefix (the first letters of a word), filtered (a common
query with a country), page2 (the second page of a common query). For each query:

- the time of ``organisation_list(params, page)`` in this process (the /partners/ code path:
  ranked ids, total, facets, the rows of the page), median and 95th percentile per class;
  a class's searches run one after another, as a server answers them, and are compared
  with their references afterwards (until round seventeen each search was followed by its
  reference, an unbounded read of every match, whose thousands of rows and excerpts'
  pages went through the server's buffers between two timed searches);
  ``cpu_ms``: the CPU time of a search, this process's and its PostgreSQL backend's
  (``/proc``, in clock ticks: a mean over the class), which other processes on the same cores
  inflate far less than the time;
- ``exact_page1_share``: the page's ids equal those of an unbounded reference query (every
  match annotated with its tier and sorted: ``portal.search.engine.reference``) at the same
  offset; ``same_on_repeat_share``: the same ids when asked again after the whole class;
  ``empty_share``: nothing shown although the reference finds rows; ``time_limited_share``.

**Page against bare**: ``/en/partners/?q=<a different search every request>`` and a bare view
(``/bench/ok``) on one gunicorn (2 sync workers on 127.0.0.1, started and stopped here), in
``BENCH_ROUNDS`` (4) alternating rounds. The pages are ``BENCH_HTTP_QUERIES`` (400) more
searches of every class, drawn like the classes' but none of theirs, each asked once (the
benchmark stops when they run out); ``page_found_share`` is the share of them that showed rows
(until 2026-12-06 a number was appended to a class's query to make it new: no page found
anything, so the page measured was an empty one). Besides requests per second, the server-side CPU per
request: user + system time (``/proc/<pid>/stat``) of the gunicorn processes and of the
PostgreSQL backends serving them, read before and after each round, so that the load
generator on the same two cores cannot flatter the ratio. ``cpu_ratio`` = bare CPU per
request / page CPU per request.

Goals: every class median <= 10 ms and p95 <= 25 ms at 100,000; exact_page1_share and
same_on_repeat_share 1.0 in every class; empty_share 0 for typo; cpu_ratio >= 0.05. The last
line is the JSON result.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

QUERIES_PER_CLASS = int(os.environ.get("BENCH_QUERIES", "250"))
HTTP_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
HTTP_THREADS = int(os.environ.get("BENCH_HTTP_THREADS", "4"))
HTTP_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
#: distinct searches per class for the page-against-bare rounds (each page asked once)
HTTP_QUERIES_PER_CLASS = int(os.environ.get("BENCH_HTTP_QUERIES", "400"))
#: searches per class asked, untimed, before the classes are measured (``warm_up``)
WARM_UP_PER_CLASS = int(os.environ.get("BENCH_WARM_UP", "30"))
CLUSTER = 20_000  # rows per "imported file": sorted by country and type within it
BATCH = 2_000


def database_url(scale: int) -> str:
    return common.bench_database_url(
        "portal_bench" if scale == 100_000 else f"portal_bench_{scale}"
    )


# -- seeding ---------------------------------------------------------------------------------

SENTENCES_EN = (
    "The {field} group works on {kw} and {kw2} with partners in {city}.",
    "Our laboratories for {field} offer equipment for {kw} and training for young researchers.",
    "We took part in FP7 and Horizon 2020 projects on {kw} and coordinate a network on {kw2}.",
    "Research in {field} and {field2} covers {kw}, modelling and pilot production.",
    "Open to cooperation with universities and research institutes in Russia and the EU.",
    "Technology transfer: licences for {kw}, contract research and joint doctoral training.",
)
SENTENCES_RU = (
    "Лаборатория {field_ru} ведёт исследования: {kw_ru}, {kw2_ru}.",
    "Участвуем в совместных проектах с европейскими партнёрами в области {field_ru}.",
    "Научные направления: {kw_ru}, {kw2_ru}, моделирование и опытное производство.",
    "Сотрудничаем с университетами и институтами Российской академии наук ({city_ru}).",
    "Подготовка кадров высшей квалификации и трансфер технологий: {kw_ru}.",
)


def long_description(i: int, spec: Any, rng: random.Random) -> str:
    from cooperation.demo import generated

    target = 300 + rng.randrange(1700)
    russian = any("\u0400" <= ch <= "\u04ff" for ch in spec.name + spec.description)
    parts = [spec.description]
    while sum(len(p) + 1 for p in parts) < target:
        field, field_ru = rng.choice(generated.FIELDS)
        field2, _f2 = rng.choice(generated.FIELDS)
        kw, kw_ru = rng.choice(generated.KEYWORDS)
        kw2, kw2_ru = rng.choice(generated.KEYWORDS)
        city = rng.choice(generated.EU_CITIES)
        template = rng.choice(SENTENCES_RU if russian else SENTENCES_EN)
        parts.append(
            template.format(
                field=field.lower(),
                field2=field2.lower(),
                field_ru=field_ru,
                kw=kw,
                kw2=kw2,
                kw_ru=kw_ru,
                kw2_ru=kw2_ru,
                city=city[0],
                city_ru=city[1],
            )
        )
    return " ".join(parts)[:2000]


def seeded_count() -> int:
    from cooperation.demo import generated
    from cooperation.models import Organisation

    return Organisation.objects.filter(
        pic__gte=generated.generated_pic(0), pic__lt=generated.generated_pic(90_000_000)
    ).count()


def seed(scale: int) -> None:
    """Organisations up to ``scale`` (see the module's documentation); resumable."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from cooperation import indexing
    from cooperation.demo import generated
    from cooperation.demo.common import Reference
    from cooperation.models import Organisation
    from portal.search import words

    call_command("seed_demo", verbosity=0)
    ref = Reference.load()
    through = Organisation.themes.through
    now = timezone.now()
    start = seeded_count()
    started = time.monotonic()
    for cluster_start in range(start - start % CLUSTER, scale, CLUSTER):
        numbers = [i for i in range(cluster_start, min(cluster_start + CLUSTER, scale))]
        specs = {i: generated.generated_organisation(i) for i in numbers}
        numbers.sort(key=lambda i: (specs[i].country, specs[i].type, i))
        for batch_start in range(0, len(numbers), BATCH):
            batch = numbers[batch_start : batch_start + BATCH]
            rows = []
            for i in batch:
                rng = random.Random(i)
                rows.append(
                    generated.generated_organisation_row(
                        ref,
                        i,
                        specs[i],
                        now=now,
                        description=long_description(i, specs[i], rng),
                        fp7_participations=rng.randrange(8) if rng.random() < 0.25 else 0,
                    )
                )
            with transaction.atomic():
                Organisation.objects.bulk_create(rows, ignore_conflicts=True)
                ids = dict(
                    Organisation.objects.filter(pic__in=[r.pic for r in rows]).values_list(
                        "pic", "pk"
                    )
                )
                through.objects.bulk_create(
                    [
                        through(organisation_id=ids[r.pic], thematicpriority=theme)
                        for r, i in zip(rows, batch, strict=True)
                        for theme in ref.theme_list(specs[i].themes)
                    ],
                    ignore_conflicts=True,
                )
        done = min(cluster_start + CLUSTER, scale)
        common.log(f"  {done:,} organisations ({time.monotonic() - started:.0f} s)")
    # 10% edited after the import, through the services' indexing
    edited = [
        pk
        for pk in Organisation.objects.filter(
            pic__gte=generated.generated_pic(start), pic__lt=generated.generated_pic(scale)
        ).values_list("pk", flat=True)
        if pk % 10 == 3
    ]
    common.log(f"editing {len(edited):,} organisations")
    for batch_start in range(0, len(edited), BATCH):
        edit_ids = edited[batch_start : batch_start + BATCH]
        rows = list(
            Organisation.objects.filter(pk__in=edit_ids).only("pk", "description", "keywords")
        )
        for row in rows:
            row.description = (row.description + " Updated: new equipment for cryogenics.")[:2100]
            row.keywords = f"{row.keywords}, cryogenics"
            row.updated_at = now + datetime.timedelta(seconds=1)
        Organisation.objects.bulk_update(rows, ["description", "keywords", "updated_at"])
        indexing.organisation_index(ids=edit_ids)
    words.words_add(indexing.ORGANISATION_SEARCH)
    words.indexes_tidy(indexing.ORGANISATION_SEARCH)  # as the CORDIS import does
    common.log(f"seeded in {time.monotonic() - started:.0f} s")


def prepare(scale: int) -> int:
    from django.core.management import call_command

    from cooperation.models import Organisation

    call_command("migrate", verbosity=0, interactive=False)
    if seeded_count() < scale:
        common.log(f"seeding {scale:,} organisations (once)")
        seed(scale)
    return Organisation.objects.count()


# -- queries ---------------------------------------------------------------------------------

VERY_COMMON = (
    "University",
    "Institute",
    "research",
    "State",
    "Centre",
    "Technology",
    "cooperation",
    "projects",
    "partners",
    "development",
    "laboratories",
    "Университет",
    "Институт",
    "исследования",
    "проектах",
    "партнёрами",
    "universities",
    "training",
    "Science",
    "network",
)
RU_CASES = (  # adjective ending, noun
    ("ого", "университета"),
    ("ому", "институту"),
    ("ом", "университете"),
    ("ий", "институт"),
    ("ого", "института"),
    ("ая", "академия"),
    ("ой", "академии"),
    ("ие", "университеты"),
)
ROMANISATIONS = (  # ending of a Russian adjective in other romanisations
    ("iy", "ij"),
    ("iy", "ii"),
    ("iy", "y"),
    ("iy", "yi"),
    ("iy", "iy"),
)


def _typo(word: str, rng: random.Random) -> str:
    i = 1 + rng.randrange(len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # a letter dropped
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped
    return word[:i] + word[i] + word[i:]  # a letter doubled


def _key(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, ensure_ascii=False).lower()


def queries(
    scale: int,
    *,
    per_class: int = QUERIES_PER_CLASS,
    seed: int = 20261202,
    exclude: frozenset[str] = frozenset(),
) -> dict[str, list[dict[str, Any]]]:
    """Distinct parameters per class, each used once (``page`` beside the search's own), none
    of them in ``exclude`` (``_key``s of queries used before)."""
    from cooperation.demo import generated
    from portal.search import text

    rng = random.Random(seed)
    ru_cities = list(generated.RU_CITIES)
    eu_cities = list(generated.EU_CITIES)
    fields, keywords = list(generated.FIELDS), list(generated.KEYWORDS)
    common_words = (
        [c[0] for c in ru_cities]
        + [c[0] for c in eu_cities]
        + [f[0] for f in fields]
        + [k[0] for k in keywords]
    )
    countries = sorted({c[2] for c in eu_cities} | {"RU"})

    def common_query() -> str:
        city = rng.choice(eu_cities + ru_cities)[0]
        return city if rng.random() < 0.4 else f"{city} {rng.choice(fields + keywords)[0]}"

    makers: dict[str, Callable[[], dict[str, Any]]] = {}

    def rare() -> dict[str, Any]:
        while True:
            i = rng.randrange(scale)
            name = generated.brand(i)
            if generated.generated_organisation(i).name.startswith(name):
                break
        return {
            "q": name
            if rng.random() < 0.5
            else f"{name.lower()} {rng.choice(['ltd', 'gmbh', 'oy', 'sas', 'bv'])}"
        }

    def cyrillic() -> dict[str, Any]:
        adjective = rng.choice(ru_cities)[2]
        ending, noun = rng.choice(RU_CASES)
        stem = adjective[:-2]
        extra = f" {rng.choice(fields)[1]}" if rng.random() < 0.3 else ""
        return {"q": f"{stem}{ending} {noun}{extra}"}

    def cross_script() -> dict[str, Any]:
        if rng.random() < 0.6:
            adjective = text.to_latin(rng.choice(ru_cities)[2]).lower()
            old, new = rng.choice(ROMANISATIONS)
            word = adjective[: -len(old)] + new if adjective.endswith(old) else adjective
            tail = rng.choice(["", " gosudarstvennyj", " universitet", " institut", " tsentr"])
            return {"q": f"{word}{tail}"}
        city = rng.choice(eu_cities)[1]
        tail = rng.choice(["", " университет", " институт", f" {rng.choice(fields)[1]}"])
        return {"q": f"{city}{tail}"}

    def typo() -> dict[str, Any]:
        word = rng.choice([w for w in common_words if len(w) >= 6 and " " not in w])
        return {"q": _typo(word, rng)}

    def prefix() -> dict[str, Any]:
        word = rng.choice([w for w in common_words if len(w) >= 8 and " " not in w])
        return {"q": word[: 5 + rng.randrange(3)]}

    makers = {
        "rare": rare,
        "common": lambda: {"q": common_query()},
        "very_common": lambda: {"q": " ".join(rng.sample(VERY_COMMON, 1 + (rng.random() < 0.7)))},
        "cyrillic": cyrillic,
        "cross_script": cross_script,
        "typo": typo,
        "prefix": prefix,
        "filtered": lambda: {"q": common_query(), "country": rng.choice(countries)},
        "page2": lambda: {
            "q": rng.choice([common_query(), " ".join(rng.sample(VERY_COMMON, 1))]),
            "page": 2,
        },
    }
    result: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set(exclude)
    for name, make in makers.items():
        result[name] = []
        attempts = 0
        while len(result[name]) < per_class and attempts < per_class * 50:
            attempts += 1
            params = make()
            key = _key(params)
            if key not in seen:
                seen.add(key)
                result[name].append(params)
    return result


# -- measuring -------------------------------------------------------------------------------


def measure_classes(all_queries: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    from cooperation.indexing import ORGANISATION_SEARCH
    from cooperation.selectors.partners import organisation_list, organisation_rows
    from portal.search import engine

    def shown(params: dict[str, Any]) -> tuple[list[int], Any]:
        page = params.get("page", 1)
        search = {k: v for k, v in params.items() if k != "page"}
        result = organisation_list(search, page=page)
        return [row.pk for row in result.page.object_list], result

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = {cursor.fetchone()[0]}
    results: dict[str, dict[str, Any]] = {}
    for name, params_list in all_queries.items():
        samples: list[float] = []
        cpu = 0.0
        first: list[list[int]] = []
        pages: list[int] = []
        limited = 0
        # the class's searches one after another, as a server answers them ...
        for params in params_list:
            cpu_before = time.process_time() + _cpu_seconds(backend)
            started = time.perf_counter()
            ids, result = shown(params)
            samples.append((time.perf_counter() - started) * 1000)
            cpu += time.process_time() + _cpu_seconds(backend) - cpu_before
            first.append(ids)
            pages.append(result.page.number)
            limited += result.time_limited
        # ... then each page compared with the reference (every match ranked: it reads the
        # rows of thousands of matches, which a search between two references would pay for)
        exact = empty = 0
        for params, ids, number in zip(params_list, first, pages, strict=True):
            found = organisation_rows({k: v for k, v in params.items() if k != "page"})
            # a page past the last one shows the last page: compare the page shown
            offset = (number - 1) * 20
            reference: list[int] = []
            if found.prepared is not None:
                reference = list(
                    engine.reference(
                        found.filtered, ORGANISATION_SEARCH, found.prepared
                    ).values_list("pk", flat=True)[: offset + 20]
                )[offset:]
            exact += ids == reference
            empty += bool(reference) and not ids
        same = sum(shown(params)[0] == ids for params, ids in zip(params_list, first, strict=True))
        n = len(params_list)
        results[name] = {
            **common.summary(samples),
            "cpu_ms": round(cpu * 1000 / n, 2),
            "queries": n,
            "exact_page1_share": round(exact / n, 4),
            "same_on_repeat_share": round(same / n, 4),
            "empty_share": round(empty / n, 4),
            "time_limited_share": round(limited / n, 4),
        }
        common.log(f"{name}: {results[name]}  e.g. {params_list[0]}")
    return results


def _cpu_seconds(pids: set[int]) -> float:
    """User + system CPU seconds of these processes (those that still exist)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _server_pids(port: int, url: str) -> set[int]:
    """The gunicorn processes serving ``port`` and the PostgreSQL backends of the database."""
    import psycopg2

    pids: set[int] = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    cmdline = handle.read()
            except OSError:
                continue
            if b"gunicorn" in cmdline and f"127.0.0.1:{port}".encode() in cmdline:
                pids.add(int(entry))
    parts = urllib.parse.urlparse(url)
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [parts.path.lstrip("/")],
            )
            pids |= {row[0] for row in cursor.fetchall()}
    finally:
        conn.close()
    return pids


def http_queries(scale: int, used: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The pages of the page-against-bare rounds: realistic searches of every class, none of
    them among ``used`` (the classes' queries), each requested once, in a shuffled order."""
    exclude = frozenset(_key(p) for ps in used.values() for p in ps)
    fresh = queries(scale, per_class=HTTP_QUERIES_PER_CLASS, seed=20261206, exclude=exclude)
    pool = [p for ps in fresh.values() for p in ps]
    random.Random(5).shuffle(pool)
    return pool


def warm_up(scale: int, used: list[dict[str, Any]]) -> int:
    """Ask ``WARM_UP_PER_CLASS`` searches of every class, untimed, none of them among ``used``
    (the classes' and the HTTP rounds' searches): the server is one that has been answering
    searches, not one whose buffers another program has just filled (after a test run on the
    same machine, the first classes measured took twice as long as on a second run). The
    number of searches asked."""
    from cooperation.selectors.partners import organisation_list

    exclude = frozenset(_key(p) for p in used)
    fresh = queries(scale, per_class=WARM_UP_PER_CLASS, seed=20261208, exclude=exclude)
    asked = 0
    for params in (p for ps in fresh.values() for p in ps):
        search = {k: v for k, v in params.items() if k != "page"}
        organisation_list(search, page=params.get("page", 1))
        asked += 1
    return asked


def _path(params: dict[str, Any]) -> str:
    return "/en/partners/?" + urllib.parse.urlencode(params)


def measure_http(
    url: str, warm_up: list[dict[str, Any]], pool: list[dict[str, Any]]
) -> dict[str, float]:
    """Page against bare: every page request a different search of ``pool`` (never one asked
    before: a search with a made-up word appended, as an earlier version did, finds nothing
    and measured empty pages); ``warm_up``'s only warm the workers up."""
    from django.db import connection

    connection.close()  # the backends measured are the web workers' only

    def page(n: int) -> str:
        # past the pool (checked after each round): a page asked before, then refused below
        return _path(pool[n % len(pool)])

    with common.gunicorn("bench_wsgi:application", url, workers=2) as (host, port):
        status, body = common.get(host, port, _path(pool[0]))
        if status != 200:
            raise SystemExit(f"/en/partners/ answered {status}: {body[:300]!r}")
        status, body = common.get(host, port, "/bench/ok")
        if status != 200 or body != b"ok":
            raise SystemExit(f"/bench/ok answered {status}: {body[:300]!r}")
        common.throughput(
            host, port, lambda n: _path(warm_up[n % len(warm_up)]), seconds=2, threads=HTTP_THREADS
        )
        totals: dict[str, list[float]] = {"page": [0, 0.0, 0.0], "bare": [0, 0.0, 0.0]}
        served = 1  # page queries continue from here: never the same query twice
        for _round in range(HTTP_ROUNDS):
            for name, paths in (("page", page), ("bare", lambda n: "/bench/ok")):
                pids = _server_pids(port, url)
                cpu_before = _cpu_seconds(pids)
                result = common.throughput(
                    host,
                    port,
                    paths,
                    seconds=HTTP_SECONDS / HTTP_ROUNDS,
                    threads=HTTP_THREADS,
                    start=served,
                )
                cpu = _cpu_seconds(pids | _server_pids(port, url)) - cpu_before
                if name == "page":
                    served += int(result["requests"] + result["errors"]) + HTTP_THREADS
                    if served > len(pool):
                        raise SystemExit(
                            f"{served} pages asked, {len(pool)} distinct searches: raise "
                            "BENCH_HTTP_QUERIES"
                        )
                if result["errors"]:
                    raise SystemExit(f"{name}: {result['errors']} requests failed")
                totals[name][0] += result["requests"]
                totals[name][1] += result["elapsed"]
                totals[name][2] += cpu
    figures = {
        "page_rps": round(totals["page"][0] / totals["page"][1], 1),
        "bare_rps": round(totals["bare"][0] / totals["bare"][1], 1),
        "page_cpu_ms": round(totals["page"][2] * 1000 / max(1, totals["page"][0]), 3),
        "bare_cpu_ms": round(totals["bare"][2] * 1000 / max(1, totals["bare"][0]), 3),
        "page_found_share": _found_share(pool[:served]),
    }
    common.log(f"http: {figures}")
    return figures


def _found_share(pool: list[dict[str, Any]]) -> float:
    """The share of the pages served that showed rows: the pages measured are searches that
    find something, not empty pages."""
    from cooperation.selectors.partners import organisation_list

    found = 0
    for params in pool:
        search = {k: v for k, v in params.items() if k != "page"}
        found += bool(organisation_list(search, page=params.get("page", 1)).page.object_list)
    return round(found / max(1, len(pool)), 4)


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="organisations (100,000)")
    parser.add_argument("--seed-only", action="store_true", help="seed, then stop")
    args = parser.parse_args()
    url = database_url(args.scale)
    common.ensure_postgres_database(url)
    # the searches are timed in this process: with production's settings (DEBUG off)
    common.django_setup(url, production=True)
    organisations = prepare(args.scale)
    if args.seed_only:
        return {"organisations": organisations}
    all_queries = queries(args.scale)
    pool = http_queries(args.scale, all_queries)
    asked = warm_up(args.scale, [p for ps in all_queries.values() for p in ps] + pool)
    common.log(f"warmed up with {asked} other searches")
    classes = measure_classes(all_queries)
    http = measure_http(url, [p for ps in all_queries.values() for p in ps], pool)
    page_ratio = http["page_rps"] / http["bare_rps"] if http["bare_rps"] else 0.0
    cpu_ratio = http["bare_cpu_ms"] / http["page_cpu_ms"] if http["page_cpu_ms"] else 0.0
    return {
        "organisations": organisations,
        "classes": classes,
        "page_rps": http["page_rps"],
        "bare_rps": http["bare_rps"],
        "page_ratio": round(page_ratio, 4),
        "page_cpu_ms": http["page_cpu_ms"],
        "bare_cpu_ms": http["bare_cpu_ms"],
        "cpu_ratio": round(cpu_ratio, 4),
        "page_found_share": http["page_found_share"],
    }


if __name__ == "__main__":
    result = main()
    print(json.dumps(result))
