from django.urls import path

from emassess.privacy import views

urlpatterns = [
    path("me/data.json", views.my_data, name="my_data"),
    path("organisation/people/<int:pk>/erase/", views.person_erase_view, name="person_erase"),
]
