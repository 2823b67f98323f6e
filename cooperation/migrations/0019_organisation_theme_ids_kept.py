"""``theme_ids`` stays the truth whatever an UPDATE writes into it.

Since 0017 the column is a model field, so a full ``save()`` of an organisation loaded before
its themes changed would write back the ids it was loaded with. A row trigger puts the ids of
the row's themes in place of any other value an UPDATE writes (the themes' own triggers, which
write the truth, pass through it unchanged); an INSERT keeps what its writer knows (the
seeders write the ids with the row, before the themes' rows exist)."""

from django.db import migrations

ORG = "cooperation_organisation"
THEMES = "cooperation_organisation_themes"

FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION coop_org_theme_ids_kept() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.theme_ids := ARRAY(
            SELECT x.thematicpriority_id FROM {THEMES} x
            WHERE x.organisation_id = NEW.id ORDER BY x.thematicpriority_id
        );
        RETURN NEW;
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS coop_org_theme_ids_kept ON {ORG}",
    f"""
    CREATE TRIGGER coop_org_theme_ids_kept BEFORE UPDATE OF theme_ids ON {ORG}
    FOR EACH ROW WHEN (NEW.theme_ids IS DISTINCT FROM OLD.theme_ids)
    EXECUTE FUNCTION coop_org_theme_ids_kept()
    """,
]
BACKWARD = [
    f"DROP TRIGGER IF EXISTS coop_org_theme_ids_kept ON {ORG}",
    "DROP FUNCTION IF EXISTS coop_org_theme_ids_kept()",
]


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0018_organisation_name_pairs_index")]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
