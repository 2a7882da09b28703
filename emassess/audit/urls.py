from django.urls import path

from emassess.audit import views

urlpatterns = [path("organisation/audit/", views.audit_log, name="audit_log")]
