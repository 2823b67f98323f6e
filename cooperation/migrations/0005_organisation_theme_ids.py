"""PostgreSQL: each organisation row carries the ids of its themes (``theme_ids bigint[]``).

A search page counts the themes of its ~200 ranked candidates and shows the themes of its rows
(``cooperation.selectors.partners._organisation_search_page``). Read from the many-to-many
table that is one index probe per candidate, about a tenth of the page's time; read from the
candidate's own row it is free. The column is not a model field: only that statement reads
it, and the database keeps it right. Statement-level triggers on the many-to-many table
recompute the array of every organisation whose themes were added, removed or changed,
whatever writes them (services, admin, bulk seeding, raw SQL). Elsewhere (SQLite) nothing
is added: the page reads the many-to-many table as before.
"""

from django.db import migrations

ORG = "cooperation_organisation"
THEMES = "cooperation_organisation_themes"

FORWARD = [
    f"ALTER TABLE {ORG} ADD COLUMN IF NOT EXISTS theme_ids bigint[] NOT NULL DEFAULT '{{}}'",
    f"""
    CREATE OR REPLACE FUNCTION coop_org_theme_ids_refresh(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        UPDATE {ORG} o
        SET theme_ids = ARRAY(
            SELECT x.thematicpriority_id FROM {THEMES} x
            WHERE x.organisation_id = o.id ORDER BY x.thematicpriority_id
        )
        WHERE o.id = ANY(ids)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION coop_org_theme_ids_added() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM coop_org_theme_ids_refresh(ARRAY(SELECT DISTINCT organisation_id FROM added));
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION coop_org_theme_ids_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM coop_org_theme_ids_refresh(ARRAY(SELECT DISTINCT organisation_id FROM removed));
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION coop_org_theme_ids_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM coop_org_theme_ids_refresh(ARRAY(
            SELECT organisation_id FROM added UNION SELECT organisation_id FROM removed
        ));
        RETURN NULL;
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS coop_org_theme_ids_insert ON {THEMES}",
    f"""
    CREATE TRIGGER coop_org_theme_ids_insert AFTER INSERT ON {THEMES}
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION coop_org_theme_ids_added()
    """,
    f"DROP TRIGGER IF EXISTS coop_org_theme_ids_delete ON {THEMES}",
    f"""
    CREATE TRIGGER coop_org_theme_ids_delete AFTER DELETE ON {THEMES}
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION coop_org_theme_ids_removed()
    """,
    f"DROP TRIGGER IF EXISTS coop_org_theme_ids_update ON {THEMES}",
    f"""
    CREATE TRIGGER coop_org_theme_ids_update AFTER UPDATE ON {THEMES}
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION coop_org_theme_ids_changed()
    """,
    # The rows that exist already (one statement).
    f"""
    UPDATE {ORG} o SET theme_ids = t.ids
    FROM (SELECT organisation_id, array_agg(thematicpriority_id ORDER BY thematicpriority_id)
          AS ids FROM {THEMES} GROUP BY organisation_id) t
    WHERE t.organisation_id = o.id
    """,
]

BACKWARD = [
    f"DROP TRIGGER IF EXISTS coop_org_theme_ids_insert ON {THEMES}",
    f"DROP TRIGGER IF EXISTS coop_org_theme_ids_delete ON {THEMES}",
    f"DROP TRIGGER IF EXISTS coop_org_theme_ids_update ON {THEMES}",
    "DROP FUNCTION IF EXISTS coop_org_theme_ids_added()",
    "DROP FUNCTION IF EXISTS coop_org_theme_ids_removed()",
    "DROP FUNCTION IF EXISTS coop_org_theme_ids_changed()",
    "DROP FUNCTION IF EXISTS coop_org_theme_ids_refresh(bigint[])",
    f"ALTER TABLE {ORG} DROP COLUMN IF EXISTS theme_ids",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0004_partner_list_indexes")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
