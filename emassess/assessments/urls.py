from django.urls import path

from emassess.assessments import views

# The result page and its plan form (assessment_result, assessment_plan) are served by
# emassess.feedback.views, which works the team's view in: see emassess/urls.py.
urlpatterns = [
    path("", views.history, name="assessment_history"),
    path("start/", views.start, name="assessment_start"),
    path("<uuid:public_id>/step/<int:step>/", views.step, name="assessment_step"),
    path("<uuid:public_id>/share/", views.share, name="assessment_share"),
    path("<uuid:public_id>/reopen/", views.reopen, name="assessment_reopen"),
]
