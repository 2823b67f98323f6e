"""The twinning matching benchmark's quality check on a small instance: the seeder's planted
ideal partners are found for the right reasons, near misses never are, no hard rule breaks,
and the reading by levels and bands gives exactly the list computed over every candidate."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.benchmark_modules import load_benchmark_module


def _load_benchmark() -> ModuleType:
    return load_benchmark_module("twinning_match.py")


bench = _load_benchmark()


@pytest.mark.django_db
def test_planted_partners_found_and_no_hard_rule_broken() -> None:
    bench.seed_background(1500)
    plans = bench.seed_requests(12)

    figures = bench.evaluate(plans)

    assert figures["requests"] == 12
    assert figures["planted_recall_at_20"] >= 0.95
    assert figures["planted_recall_at_5"] >= 0.8
    assert figures["hard_rule_violations"] == 0
    assert figures["exact_share"] == 1.0
    assert figures["empty"] == 0


def test_the_specialist_keywords_are_distinct_and_grammatical() -> None:
    terms = bench.terms()
    assert len({t.ru_nominative for t in terms}) == len(terms) >= 300
    by_english = {t.en_singular: t for t in terms}
    assert by_english["optical sensor"].ru_nominative == "оптический датчик"
    assert by_english["optical sensor"].ru_genitive == "оптического датчика"
    assert by_english["laser membrane"].ru_genitive == "лазерной мембраны"
    assert by_english["quantum coating"].ru_nominative == "квантовое покрытие"
