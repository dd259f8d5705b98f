from django.contrib.admin.apps import AdminConfig


class LibreChatAdminConfig(AdminConfig):
    default_site = "librechat.admin_site.LibreChatAdminSite"
