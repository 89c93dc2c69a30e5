"""Staff admin pages that show rows without writing them."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown, never added, changed or deleted one by one: they change only through the
    services, which keep the rules and take the business's lock (businesses.locking).

    The delete permission itself stays, so that deleting a whole business (or its owner) may take
    these rows with it; only this admin's own delete page and action are gone.
    """

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_delete": False})


class ReadOnlyInline(admin.StackedInline):
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
