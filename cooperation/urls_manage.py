"""Member workflows of the cooperation app (names live in app_name "cooperation", see urls.py)."""

from django.urls import path

from cooperation.views import manage

urlpatterns = [
    path(
        "partners/organisations/new/",
        manage.organisation_create,
        name="organisation_create",
    ),
    path(
        "partners/organisations/<int:pk>/edit/",
        manage.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "partners/organisations/<int:pk>/publish/",
        manage.organisation_publish,
        name="organisation_publish",
    ),
    path("partners/profile/", manage.profile_edit, name="profile_edit"),
    path("offers/new/", manage.offer_create, name="offer_create"),
    path("offers/mine/", manage.my_offers, name="my_offers"),
    path("offers/review/", manage.review_queue, name="review_queue"),
    path("offers/<int:pk>/edit/", manage.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/submit/", manage.offer_submit, name="offer_submit"),
    path("offers/<int:pk>/close/", manage.offer_close, name="offer_close"),
    path("offers/<int:pk>/review/", manage.offer_review, name="offer_review"),
    path("offers/<int:pk>/interest/", manage.interest_create, name="offer_interest"),
    path("interests/<int:pk>/", manage.interest_detail, name="interest_detail"),
    path("interests/<int:pk>/accept/", manage.interest_accept, name="interest_accept"),
    path("interests/<int:pk>/decline/", manage.interest_decline, name="interest_decline"),
]
