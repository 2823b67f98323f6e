"""Demo content of the partner registry and funding calls (``manage.py seed_demo``).

``seed_cooperation(scale=1)`` loads believable bilingual content: about 40 EU and Russian
organisations (names in both scripts, or in one script only, or romanised Russian as CORDIS
writes it), a dozen researcher profiles of the demo users, funding calls from FP7 to Horizon
Europe and Russian foundations with deadlines in their own time zones, and published
cooperation offers of every type.

``--scale N`` adds generated rows up to ``max(40, N)`` organisations and ``max(20, N // 5)``
offers, for benchmarks: names follow realistic word frequencies (very common: "University",
"Институт", "State"; common: city names, fields of science; rare: company names and surnames),
in both scripts. Generated rows are inserted with ``bulk_create`` in batches of 2,000, with
their search columns computed in Python (transliterations included) and, on PostgreSQL, their
``search_vector`` computed by the INSERT itself (``search.vector_expression``): a set-based
UPDATE afterwards would write every row and every index entry twice. A set-based UPDATE still
fills in any generated row left without a vector (an interrupted run).

Idempotent: curated rows are keyed by name (organisations), email (users), identifier (calls)
and title (offers); generated organisation ``i`` has PIC ``700000000 + i`` and generated offers
belong to generated organisations, so a second run only adds what is missing.

This seeder writes rows directly (bulk inserts for speed) instead of through the services, and
then calls ``cooperation.indexing`` as the services do.

The modules, by concern: ``organisations``, ``people``, ``calls`` and ``offers`` hold the curated
rows; ``seed`` writes them (``seed_cooperation``, registered by path in ``CooperationConfig``);
``generated`` makes the rows of larger scales; ``common`` has what they share. Nothing here is
imported by a web or worker process: only ``seed_demo`` (and tests, benchmarks) import it.
"""
