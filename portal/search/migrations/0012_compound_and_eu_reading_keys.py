"""The skeleton keys of every searchable row computed again, as ``portal.search.text`` now
makes them: the first halves of compound adjectives ("Северо-Восточный": NORTH-EASTERN), an
adjective in "-рский" ("Балкарский": BALKARIAN), a Latin "-um" and QU ("квантовый":
QUANTUM), a German H that only lengthens a vowel ("Бора": BOHR) and a word's "-s" (a German
genitive, a plural: "Максимилиана": MAXIMILIANS), a portmanteau's "-tec" ("Ростех": ROSTEC),
a company's "Lab" and "basic research" ("фундаментальных исследований"), and Russian names
as German and French write them ("Кузнецов": KUSNEZOW, "Жуков": SCHUKOW and JOUKOV,
"Мечников": METCHNIKOFF, "Нижний": NIJNI and NISCHNI); the function words of Dutch, German
and Nordic names have no keys (DEN HAAG, INSTITUT FUER); a polytechnic, a Hochschule and a
högskola are also a university, a Hochschule an institute (POLITECHNIKA WARSZAWSKA: Warsaw
University of Technology), EIDGENOESSISCHE is Swiss; a Russian name also has the acronym of its
words' English counterparts ("Объединённый институт ядерных исследований": JINR,
"Новосибирский государственный университет": NSU), and an acronym leaves an aside in
brackets out ("Казанский (Приволжский) федеральный университет": КФУ). Only the rows whose keys changed are
written (``keys_refresh``)."""

from django.db import migrations

from portal.search.indexing import keys_refresh_all


def refresh(apps, schema_editor):
    keys_refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0011_russia_russian")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
