"""Load the frozen reference data of 21 November 2026 (see ``_data_2026_11_21``).

Rows are matched by code, so running the forward function again changes nothing. The reverse
deletes exactly the rows this migration loads.
"""

from django.db import migrations

from ._data_2026_11_21 import AS_OF, COUNTRIES, DISTRICTS, SUBJECTS, THEMES


def load_reference_data(apps, schema_editor):
    ThematicPriority = apps.get_model("reference", "ThematicPriority")
    Country = apps.get_model("reference", "Country")
    FederalDistrict = apps.get_model("reference", "FederalDistrict")
    FederalSubject = apps.get_model("reference", "FederalSubject")

    for code, programme, position, name_en, name_ru in THEMES:
        ThematicPriority.objects.update_or_create(
            code=code,
            defaults={
                "programme": programme,
                "position": position,
                "name_en": name_en,
                "name_ru": name_ru,
            },
        )
    for code, status, name_en, name_ru in COUNTRIES:
        Country.objects.update_or_create(
            code=code, defaults={"status": status, "name_en": name_en, "name_ru": name_ru}
        )
    districts = {}
    for code, position, valid_from, name_en, name_ru in DISTRICTS:
        districts[code], _ = FederalDistrict.objects.update_or_create(
            code=code,
            defaults={
                "position": position,
                "valid_from": valid_from,
                "as_of": AS_OF,
                "name_en": name_en,
                "name_ru": name_ru,
            },
        )
    for code, kind, district_code, name_en, name_ru in SUBJECTS:
        FederalSubject.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "district": districts[district_code],
                "as_of": AS_OF,
                "name_en": name_en,
                "name_ru": name_ru,
            },
        )


def unload_reference_data(apps, schema_editor):
    ThematicPriority = apps.get_model("reference", "ThematicPriority")
    Country = apps.get_model("reference", "Country")
    FederalDistrict = apps.get_model("reference", "FederalDistrict")
    FederalSubject = apps.get_model("reference", "FederalSubject")

    FederalSubject.objects.filter(code__in=[row[0] for row in SUBJECTS]).delete()
    FederalDistrict.objects.filter(code__in=[row[0] for row in DISTRICTS]).delete()
    Country.objects.filter(code__in=[row[0] for row in COUNTRIES]).delete()
    ThematicPriority.objects.filter(code__in=[row[0] for row in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data, unload_reference_data)]
