from django.urls import path

from twinning import views

app_name = "twinning"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.request_create, name="create"),
    path("mine/", views.my_requests, name="my_requests"),
    path("responses/", views.my_responses, name="my_responses"),
    path("fitting/", views.fitting, name="fitting"),
    path("fitting/alerts/", views.alert_toggle, name="alert_toggle"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/submit/", views.request_submit, name="submit"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<int:pk>/close/", views.request_close, name="close"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path("responses/<int:pk>/", views.response_detail, name="response_detail"),
    path("responses/<int:pk>/shortlist/", views.response_shortlist, name="response_shortlist"),
    path("responses/<int:pk>/accept/", views.response_accept, name="response_accept"),
    path("responses/<int:pk>/decline/", views.response_decline, name="response_decline"),
    path("partnerships/<int:pk>/", views.partnership, name="partnership"),
]
