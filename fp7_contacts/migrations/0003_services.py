"""The services of the network's service approach, in English and Russian."""

from django.db import migrations

SERVICES = [
    (
        "consultation",
        "Consultations on FP7 participation",
        "Консультации по участию в РП7",
        10,
    ),
    ("proposal-check", "Proposal checks", "Экспертиза проектных заявок", 20),
    ("partner-search", "Partner search help", "Помощь в поиске партнёров", 30),
    ("training", "Trainings and info days", "Обучающие семинары и информационные дни", 40),
    ("legal-financial", "Legal and financial advice", "Юридические и финансовые консультации", 50),
]


def forwards(apps, schema_editor):
    Service = apps.get_model("fp7_contacts", "Service")
    for code, en, ru, position in SERVICES:
        Service.objects.update_or_create(
            code=code, defaults={"name": en, "name_en": en, "name_ru": ru, "position": position}
        )


def backwards(apps, schema_editor):
    Service = apps.get_model("fp7_contacts", "Service")
    Service.objects.filter(code__in=[row[0] for row in SERVICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("fp7_contacts", "0002_role_permissions")]

    operations = [migrations.RunPython(forwards, backwards)]
