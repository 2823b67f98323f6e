"""Name postings: the words of a model's names in its tie-break order (tier 2, read cheaply).

Tier 2 of the ranking order is "every word in the name"; within it rows come in the app's
tie-break (``SearchSpec.order``). For a common word ("University", in 40% of the names) the
GIN index can only hand over every row of the word (a bitmap of 40,000 rows, then a sort),
and walking the tie-break's B-tree reads the heap row by row until 21 have the word in their
name. A posting table holds one row per (word of the name, row): the word's lexeme
(``head_vector``'s lexemes of weight A, the names), the row's tie-break keys and its id,
with its primary key in that order; the first rows of tier 2 of a one-word query are then
an index range per form of the word, merged: about as many index entries as rows shown.

The engine uses the postings as *candidates*, in order: each candidate's row is read and the
tier's own condition tested on it (with the list's filters and the earlier tiers), so a
posting table can only make a search faster, never change what it finds, as long as it
holds every row's name lexemes with its current keys. It is kept in step by PostgreSQL
triggers on the model's table (``trigger_sql``): every writer (services, admin, bulk
seeding and imports, raw SQL) leaves it right; a row whose names and keys did not change is
not touched.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NamePostings:
    """A posting table of a searchable model (see the module's documentation).

    ``table``: its name; ``source``: the model's table; ``keys``: the tie-break as columns of
    the posting table, each with its SQL expression over the model's row (``{row}`` stands
    for ``NEW``/``OLD``), in ascending order (a descending key is stored negated): the
    posting table's primary key is ``(lexeme, *keys, row_id)``, so ordering by it is the
    tie-break order within one lexeme. ``changed``: the model's columns whose change
    rewrites a row's postings (the names and the tie-break's columns)."""

    table: str
    source: str
    keys: tuple[tuple[str, str], ...]
    changed: tuple[str, ...]

    @property
    def key_columns(self) -> tuple[str, ...]:
        return tuple(column for column, _expression in self.keys)

    def _insert(self, row: str) -> str:
        columns = ", ".join(self.key_columns)
        values = ", ".join(expression.format(row=row) for _column, expression in self.keys)
        return (
            f"INSERT INTO {self.table} (lexeme, {columns}, row_id) "  # noqa: S608 - constants
            f"SELECT u.lexeme, {values}, {row}.id FROM unnest({row}.head_vector) AS u "
            "WHERE 'A' = ANY(u.weights)"
        )

    def trigger_sql(self) -> list[str]:
        """The function and triggers that keep the postings in step (and fill them once)."""
        function = f"{self.table}_sync"
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in self.changed)
        # Only the constant names of this module's callers are put in the text.
        return [
            f"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    DELETE FROM {self.table} WHERE row_id = OLD.id;
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    {self._insert("NEW")};
                END IF;
                RETURN NULL;
            END
            $$
            """,  # noqa: S608
            f"CREATE TRIGGER {function}_insert_delete AFTER INSERT OR DELETE ON {self.source} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {function}_update AFTER UPDATE ON {self.source} "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}()",
            # what the table holds already
            f"DELETE FROM {self.table}",  # noqa: S608
            self._insert(self.source).replace(
                f"FROM unnest({self.source}.head_vector)",
                f"FROM {self.source}, unnest({self.source}.head_vector)",
            ),
            f"ANALYZE {self.table}",
        ]

    def drop_sql(self) -> list[str]:
        function = f"{self.table}_sync"
        return [
            f"DROP TRIGGER IF EXISTS {function}_update ON {self.source}",
            f"DROP TRIGGER IF EXISTS {function}_insert_delete ON {self.source}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ]
