from django.urls import path

from emassess.feedback import views

urlpatterns = [
    path("", views.survey, name="feedback_survey"),
    path("answers/", views.my_answers, name="feedback_answers"),
    path("team/", views.team_view, name="feedback_team_view"),
]
