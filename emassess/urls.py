from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from emassess.accounts.forms import EmailAuthenticationForm
from emassess.feedback import views as feedback_views
from emassess.framework import views as framework_views
from emassess.home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("manager/", home_views.manager_home, name="manager_home"),
    path("report/", home_views.report_home, name="report_home"),
    path("organisation/", include("emassess.dashboards.urls")),
    path("framework/", framework_views.guide, name="framework_guide"),
    # A manager's own result and its plan form, with their team's view once released: served by the
    # feedback app, which sits above assessments in the layers (README, "The layers").
    path("assessments/<uuid:public_id>/", feedback_views.result, name="assessment_result"),
    path("assessments/<uuid:public_id>/plan/", feedback_views.plan, name="assessment_plan"),
    path("assessments/", include("emassess.assessments.urls")),
    path("reviews/", include("emassess.reviews.urls")),
    path("feedback/", include("emassess.feedback.urls")),
    path("", include("emassess.orgs.urls")),
    path("", include("emassess.reminders.urls")),
    path("", include("emassess.privacy.urls")),
    path("", include("emassess.accounts.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "emassess administration"
admin.site.site_title = "emassess admin"
