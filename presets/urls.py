from django.urls import path

from presets import views

app_name = "presets"
urlpatterns = [
    path("", views.preset_list, name="list"),
    path("new/", views.preset_create, name="create"),
    path("export/", views.preset_export, name="export"),
    path("import/", views.preset_import, name="import"),
    path("<uuid:preset_id>/", views.preset_update, name="update"),
    path("<uuid:preset_id>/delete/", views.preset_delete, name="delete"),
    path("<uuid:preset_id>/default/", views.preset_default, name="default"),
    path("<uuid:preset_id>/share/", views.preset_share, name="share"),
]
