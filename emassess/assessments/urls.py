from django.urls import path

from emassess.assessments import views

urlpatterns = [
    path("", views.history, name="assessment_history"),
    path("start/", views.start, name="assessment_start"),
    path("<uuid:public_id>/", views.result, name="assessment_result"),
    path("<uuid:public_id>/step/<int:step>/", views.step, name="assessment_step"),
    path("<uuid:public_id>/share/", views.share, name="assessment_share"),
    path("<uuid:public_id>/reopen/", views.reopen, name="assessment_reopen"),
    path("<uuid:public_id>/plan/", views.plan, name="assessment_plan"),
]
