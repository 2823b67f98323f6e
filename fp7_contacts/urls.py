from django.urls import path

from fp7_contacts.views import enquiries, manage, public

app_name = "fp7_contacts"

urlpatterns = [
    path("", public.index, name="index"),
    path("points/<slug:code>/", public.detail, name="detail"),
    path("points/<slug:code>/vcard.vcf", public.vcard, name="vcard"),
    path(
        "points/<slug:code>/people/<int:person_id>.vcf",
        public.person_vcard_view,
        name="person_vcard",
    ),
    path("enquiries/", enquiries.enquiry_list, name="enquiry_list"),
    path("enquiries/new/", enquiries.enquiry_create, name="enquiry_create"),
    path("enquiries/<int:pk>/", enquiries.enquiry_detail, name="enquiry_detail"),
    path("manage/", manage.my_points, name="my_points"),
    path("manage/dashboard/", manage.dashboard, name="dashboard"),
    path("manage/export.csv", manage.points_export, name="points_export"),
    path("manage/import/", manage.points_import, name="points_import"),
    path("manage/<slug:code>/", manage.point_edit, name="point_edit"),
    path("manage/<slug:code>/history/", manage.point_history, name="point_history"),
    path("manage/<slug:code>/dashboard/", manage.dashboard, name="point_dashboard"),
    path("manage/<slug:code>/people/new/", manage.person_edit, name="person_add"),
    path("manage/<slug:code>/people/<int:person_id>/", manage.person_edit, name="person_edit"),
    path(
        "manage/<slug:code>/people/<int:person_id>/delete/",
        manage.person_delete,
        name="person_delete",
    ),
]
