from django.urls import path

from emassess.reviews import views

urlpatterns = [
    path("", views.role_review, name="role_review"),
    path("<int:pk>/", views.role_review_result, name="role_review_result"),
]
