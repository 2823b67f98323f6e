"""django-filter pieces shared by the apps' FilterSets."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError

# The largest primary key a bigint column holds: larger "ids" in a URL are refused by the form
# before the database is asked (PostgreSQL would fail on them: bigint out of range).
MAX_ID = 2**63 - 1


def parse_id(text: str | None) -> int | None:
    """The primary key written in ``text`` (ASCII digits only), or None.

    ``str.isdigit()`` is true for "²" or "٣", which ``int()`` then refuses or reads as another
    number; ids in links and forms are plain ASCII digits within the bigint range.
    """
    if not text or not text.isascii() or not text.isdecimal():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Ids are checked to be numbers the database can hold before it is asked about them."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(str(pk))
            except ValueError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
            if not 0 < number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class IdMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdMultipleChoiceField
