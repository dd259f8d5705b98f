"""Routes for organising conversations (included from librechat/urls.py)."""

from django.urls import path

from chat.organise import views

app_name = "organise"
urlpatterns = [
    path("sidebar/lists/", views.sidebar_lists, name="sidebar-lists"),
    path("sidebar/page/", views.sidebar_page, name="sidebar-page"),
    path("folders/new/", views.folder_create, name="folder-create"),
    path("folders/<uuid:folder_id>/rename/", views.folder_rename, name="folder-rename"),
    path("folders/<uuid:folder_id>/collapse/", views.folder_collapse, name="folder-collapse"),
    path("folders/<uuid:folder_id>/delete/", views.folder_delete, name="folder-delete"),
    path("c/<uuid:conversation_id>/move/", views.conversation_move, name="move"),
    path("c/<uuid:conversation_id>/pin/", views.conversation_pin, name="pin"),
    path("c/<uuid:conversation_id>/archive/", views.conversation_archive, name="archive"),
    path("c/<uuid:conversation_id>/remove/", views.conversation_delete, name="delete"),
    path("c/<uuid:conversation_id>/tags/add/", views.tag_add, name="tag-add"),
    path("c/<uuid:conversation_id>/tags/<int:tag_id>/remove/", views.tag_remove, name="tag-remove"),
    path("c/<uuid:conversation_id>/duplicate/", views.conversation_duplicate, name="duplicate"),
    path("c/<uuid:conversation_id>/share/", views.conversation_share, name="share"),
    path("settings/chats/", views.settings_chats, name="settings"),
    path("settings/shared/<str:token>/revoke/", views.shared_link_revoke, name="shared-revoke"),
    path("share/<str:token>/", views.shared, name="shared"),
]
