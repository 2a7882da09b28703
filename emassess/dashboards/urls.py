from django.urls import path

from emassess.dashboards import views

urlpatterns = [
    path("", views.overview, name="organisation_home"),
    path("export.csv", views.overview_export, name="organisation_export"),
    path("teams/<int:pk>/", views.team, name="team_dashboard"),
    path("teams/<int:pk>/export.csv", views.team_export, name="team_export"),
    path("results/<uuid:public_id>/", views.shared_result, name="shared_result"),
    path("follow-up/<slug:kind>/", views.follow_up, name="follow_up"),
    path("follow-up/<slug:kind>/remind/", views.follow_up_remind, name="follow_up_remind"),
]
