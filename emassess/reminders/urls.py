from django.urls import path

from emassess.reminders import views

urlpatterns = [
    path("organisation/outbox/", views.outbox, name="reminder_outbox"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="reminders_unsubscribe"),
]
