"""The files in the admin: read-only, for support and clean-up."""

from django.contrib import admin

from files.models import File


@admin.register(File)
class FileAdmin(admin.ModelAdmin):
    list_display = ("original_name", "owner", "kind", "mime_type", "size", "created_at")
    list_filter = ("kind", "mime_type")
    search_fields = ("original_name", "owner__email")
    readonly_fields = [field.name for field in File._meta.fields]
    raw_id_fields = ("owner", "conversation", "message")
