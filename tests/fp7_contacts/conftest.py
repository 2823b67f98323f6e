from __future__ import annotations

import pytest

from fp7_contacts import reference_cache


@pytest.fixture(autouse=True)
def _fresh_directory_choices() -> None:
    """Each test reads the directory's choices from its own database."""
    reference_cache.forget()
