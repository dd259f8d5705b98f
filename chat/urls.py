from django.urls import path

from chat import views

app_name = "chat"
urlpatterns = [
    path("", views.index, name="index"),
    path("c/<uuid:conversation_id>/", views.conversation_detail, name="conversation"),
    path("c/<uuid:conversation_id>/rename/", views.conversation_rename, name="rename"),
    path("c/<uuid:conversation_id>/delete/", views.conversation_delete, name="delete"),
    path("c/<uuid:conversation_id>/branch/", views.conversation_branch, name="branch"),
    path("c/<uuid:conversation_id>/tree/", views.conversation_tree, name="tree"),
    path("c/<uuid:conversation_id>/parameters/", views.conversation_parameters, name="parameters"),
    path("c/<uuid:conversation_id>/m/<uuid:message_id>/edit/", views.message_edit, name="message-edit"),
    path("c/<uuid:conversation_id>/m/<uuid:message_id>/delete/", views.message_delete, name="message-delete"),
    path("c/<uuid:conversation_id>/m/<uuid:message_id>/fork/", views.message_fork, name="message-fork"),
]
