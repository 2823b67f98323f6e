"""The name postings of organisations (``portal.search.postings``): a table of (lexeme of a
name, -FP7 participations, lower-case name, id) whose primary key is tier 2's order, kept in
step by triggers on ``cooperation_organisation`` and filled here from the rows there are.
About 9 postings per organisation (94 MB of table and 110 MB of indexes at 100,000)."""

from django.db import migrations, models

from portal.search.postings import NamePostings

# as cooperation.models.ORGANISATION_POSTINGS was written when this migration was
POSTINGS = NamePostings(
    table="cooperation_organisationnameposting",
    source="cooperation_organisation",
    keys=(("neg_fp7", "-{row}.fp7_participations"), ("lname", "LOWER({row}.name)")),
    changed=("search_names", "fp7_participations", "name"),
)


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0013_organisation_match_index")]

    operations = [
        migrations.CreateModel(
            name="OrganisationNamePosting",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "lexeme",
                        "neg_fp7",
                        "lname",
                        "row_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("lexeme", models.TextField()),
                ("neg_fp7", models.IntegerField()),
                ("lname", models.TextField()),
                ("row_id", models.BigIntegerField(db_index=True)),
            ],
            options={"verbose_name": "organisation name posting"},
        ),
        migrations.RunSQL(
            sql=POSTINGS.trigger_sql(), reverse_sql=POSTINGS.drop_sql()
        ),
    ]
