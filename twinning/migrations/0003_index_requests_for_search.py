"""Write the search texts of the requests that exist (before this, only matching read them:
the public list had no search)."""

from django.db import migrations


def index_requests(apps, schema_editor):  # type: ignore[no-untyped-def]
    from portal import search
    from portal.search import words
    from twinning.indexing import REQUEST_SEARCH, request_texts

    TwinningRequest = apps.get_model("twinning", "TwinningRequest")
    ids = []
    for request in TwinningRequest.objects.using(schema_editor.connection.alias).prefetch_related(
        "themes"
    ):
        names, terms = request_texts(request)
        TwinningRequest.objects.using(schema_editor.connection.alias).filter(pk=request.pk).update(
            search_names=names, search_terms=terms, search_keys=search.skeleton_keys(names, terms)
        )
        ids.append(request.pk)
    if ids:
        words.words_add(REQUEST_SEARCH, ids)


class Migration(migrations.Migration):
    dependencies = [("twinning", "0002_contact_phone_fit_alert_sent"), ("search", "0002_word_index_without_pending_list")]

    operations = [migrations.RunPython(index_requests, migrations.RunPython.noop)]
