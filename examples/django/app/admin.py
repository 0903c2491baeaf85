"""Django's admin site for admin users: users and items."""

from django.contrib import admin

from app.models import Item, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    """Accounts: role and active flag; passwords are set through the API."""

    list_display = ("email", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("email",)
    fields = ("email", "role", "is_active", "last_login", "created_at", "updated_at")
    readonly_fields = ("last_login", "created_at", "updated_at")
    ordering = ("id",)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    """Items of every owner."""

    list_display = ("name", "owner", "created_at")
    search_fields = ("name",)
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    ordering = ("id",)
