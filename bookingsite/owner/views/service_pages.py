"""The owner's services: the list in the clients' order, create, edit, archive or delete, restore, reorder."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookingsite.bookings.selectors.service_listing import service_listing
from bookingsite.businesses import services as business_services
from bookingsite.businesses.selectors import owner_services

from ..access import OwnerRequest, owner_required
from ..forms.errors import add_model_errors
from ..forms.service_pages import ServiceForm

FORM_FIELDS = ["name", "description", "duration_minutes", "capacity", "price", "is_publicly_bookable", "location",
               "waitlist_enabled"]


def _list(request: OwnerRequest, *, notice: str = "", status: int = 200) -> HttpResponse:
    template = "owner/partials/_service_list.html" if request.htmx else "owner/services.html"
    context = {"listing": service_listing(request.business.pk), "notice": notice}
    return render(request, template, context, status=status)


def _after_change(request: OwnerRequest, notice: str) -> HttpResponse:
    """htmx swaps the list in place (the notice inside it); a plain form gets a message and the page."""
    if request.htmx:
        return _list(request, notice=notice)
    messages.success(request, notice)
    return redirect("owner:services")


@require_GET
@owner_required
def service_list(request: OwnerRequest) -> HttpResponse:
    return render(request, "owner/services.html", {"listing": service_listing(request.business.pk)})


def _form_page(request: OwnerRequest, form: ServiceForm, service=None, status: int = 200) -> HttpResponse:
    return render(request, "owner/service_form.html", {"form": form, "service": service}, status=status)


def _save(form: ServiceForm, write) -> bool:
    """Run the service write; a model rule it refuses becomes the field's message."""
    try:
        write(**form.cleaned_data)
    except ValidationError as exc:
        add_model_errors(form, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
@owner_required
def service_create(request: OwnerRequest) -> HttpResponse:
    currency = request.business.currency
    if request.method == "GET":
        return _form_page(request, ServiceForm(currency=currency, initial={"duration_minutes": 60, "capacity": 1}))
    form = ServiceForm(request.POST, currency=currency)
    if form.is_valid() and _save(
        form, lambda **data: business_services.service_create(business_profile_id=request.business.pk, **data)
    ):
        messages.success(request, _("“%(name)s” added.") % {"name": form.cleaned_data["name"]})
        return redirect("owner:services")
    return _form_page(request, form, status=400)


@require_http_methods(["GET", "POST"])
@owner_required
def service_edit(request: OwnerRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(owner_services(request.business.pk), pk=pk)
    currency = request.business.currency
    if request.method == "GET":
        return _form_page(request, ServiceForm(currency=currency, initial=model_to_dict(service, FORM_FIELDS)), service)
    form = ServiceForm(request.POST, currency=currency)
    if form.is_valid() and _save(form, lambda **data: business_services.service_update(service=service, **data)):
        messages.success(request, _("“%(name)s” saved.") % {"name": service.name})
        return redirect("owner:services")
    service.refresh_from_db()  # a refused write may have left typed values on it
    return _form_page(request, form, service, status=400)


@require_POST
@owner_required
def service_archive(request: OwnerRequest, pk: int) -> HttpResponse:
    """Archive (or delete, when nothing refers to it) a service; with `restore`, bring it back."""
    service = get_object_or_404(owner_services(request.business.pk), pk=pk)
    name = service.name
    if request.POST.get("restore"):
        business_services.service_restore(service=service)
        return _after_change(request, _("“%(name)s” is back on your list.") % {"name": name})
    if business_services.service_archive(service=service):
        return _after_change(request, _("“%(name)s” deleted.") % {"name": name})
    return _after_change(request, _("“%(name)s” archived. Its bookings keep it; restore it any time.") % {"name": name})


@require_POST
@owner_required
def service_move(request: OwnerRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(owner_services(request.business.pk).filter(is_archived=False), pk=pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        if request.htmx:
            return _list(request, notice=_("Choose up or down."), status=400)
        messages.error(request, _("Choose up or down."))
        return redirect("owner:services")
    business_services.service_move(service=service, up=direction == "up")
    if request.htmx:
        moved = _("“%(name)s” moved up.") if direction == "up" else _("“%(name)s” moved down.")
        return _list(request, notice=moved % {"name": service.name})
    return redirect("owner:services")
