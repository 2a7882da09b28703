from django.urls import path

from emassess.accounts import views

urlpatterns = [
    path("account/", views.my_account, name="my_account"),
    path("account/password/", views.PasswordChange.as_view(), name="password_change"),
    path("accounts/password-reset/", views.PasswordReset.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", views.PasswordResetSent.as_view(), name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password-reset/done/", views.PasswordResetComplete.as_view(), name="password_reset_complete"),
]
