from django.urls import path

from emassess.orgs import views

urlpatterns = [
    path("organisation/people/", views.people, name="people"),
    path("organisation/people/invite/", views.invite, name="people_invite"),
    path("organisation/people/import/", views.people_import, name="people_import"),
    path("organisation/people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("organisation/people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("organisation/people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("organisation/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("organisation/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("organisation/teams/", views.teams, name="teams"),
    path("organisation/teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("organisation/teams/<int:pk>/archive/", views.team_archive, name="team_archive"),
    path("organisation/teams/<int:pk>/restore/", views.team_restore, name="team_restore"),
    path("organisation/settings/", views.organisation_settings, name="organisation_settings"),
    path("organisation/audit/", views.audit_log, name="audit_log"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
