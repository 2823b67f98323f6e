"""``Organisation.theme_ids`` becomes a model field (the column of 0005, unchanged), and the
triggers that keep it write a row only when its themes' ids changed.

Every new organisation was written twice: inserted, then rewritten by the trigger when its
themes were added (the seeders, the admin) or by the CORDIS import's track record. A table
written so is half empty once vacuumed (the benchmark's 100,042 organisations: 316 MB of which
54% free space, against 154 MB written once), and every search reads twice the pages it
needs. A writer that knows a new row's themes now sets ``theme_ids`` with the row; the
trigger, finding it right, leaves the row alone.
"""

import django.contrib.postgres.fields
from django.db import migrations, models

ORG = "cooperation_organisation"
THEMES = "cooperation_organisation_themes"


def _refresh(guarded: bool) -> str:
    condition = (
        f"""
          AND o.theme_ids IS DISTINCT FROM ARRAY(
            SELECT x.thematicpriority_id FROM {THEMES} x
            WHERE x.organisation_id = o.id ORDER BY x.thematicpriority_id
          )"""
        if guarded
        else ""
    )
    return f"""
    CREATE OR REPLACE FUNCTION coop_org_theme_ids_refresh(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        UPDATE {ORG} o
        SET theme_ids = ARRAY(
            SELECT x.thematicpriority_id FROM {THEMES} x
            WHERE x.organisation_id = o.id ORDER BY x.thematicpriority_id
        )
        WHERE o.id = ANY(ids){condition}
    $$
    """  # noqa: S608 - constant table names


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0016_organisation_names_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="organisation",
                    name="theme_ids",
                    field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(),
                        blank=True,
                        default=list,
                        editable=False,
                        size=None,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(sql=_refresh(guarded=True), reverse_sql=_refresh(guarded=False))
            ],
        ),
    ]
