from django.urls import path

from cooperation.views import public

urlpatterns = [
    path("partners/", public.partner_index, name="partner_index"),
    path("partners/export.csv", public.partner_export, name="partner_export"),
    path(
        "partners/organisations/<int:pk>/",
        public.organisation_detail,
        name="organisation_detail",
    ),
    path("partners/researchers/<int:pk>/", public.researcher_detail, name="researcher_detail"),
    path("offers/", public.offer_list_view, name="offer_list"),
    path("offers/export.csv", public.offer_export, name="offer_export"),
    path("offers/<int:pk>/", public.offer_detail, name="offer_detail"),
    path("calls/", public.call_index, name="call_index"),
    path("calls/export.csv", public.call_export, name="call_export"),
    path("calls/deadlines.ics", public.call_deadlines_ics, name="call_deadlines_ics"),
    path("calls/<int:pk>/", public.call_detail, name="call_detail"),
    path("calls/<int:pk>/deadlines.ics", public.call_ics, name="call_ics"),
    path("feeds/latest.atom", public.feed_atom, name="feed_atom"),
]
