from django.urls import path

from files import views

app_name = "files"
urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("<uuid:file_id>/", views.content, name="content"),
]
