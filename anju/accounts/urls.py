from django.contrib.auth import views as auth_views
from django.urls import path

from anju.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("locked/", views.locked_accounts, name="locked"),
    path("locked/<id:pk>/unlock/", views.unlock_account, name="unlock"),
    path("invitation/<str:key>/", views.accept_invitation, name="invitation"),
]
