"""The clients list with search, and one client's page: their bookings and their details."""

from django.contrib import messages
from django.core.paginator import Paginator
from zoneinfo import ZoneInfo

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from bookingsite.bookings.exceptions import BookingError
from bookingsite.bookings.models import Client
from bookingsite.bookings.selectors.bookings import client_bookings
from bookingsite.bookings.selectors.clients import client_attendance, client_search, owner_clients
from bookingsite.bookings.services import client_update
from bookingsite.lib.csv_export import csv_download
from bookingsite.lib.htmx import wants_partial

from ..access import OwnerRequest, owner_required
from ..exports import CLIENT_HEADER, client_rows, export_filename, header, in_request_language
from ..forms.client_pages import ClientForm, ClientSearchForm
from .booking_pages import PAGE_SIZE, form_errors_text, query_without_page


@require_GET
@vary_on_headers("HX-Request")
@owner_required
def client_list(request: OwnerRequest) -> HttpResponse:
    form = ClientSearchForm(request.GET)
    status = 200
    if form.is_valid():
        clients = client_search(request.business.pk, " ".join(form.cleaned_data["q"].split()))
    else:
        clients, status = client_search(request.business.pk).none(), 400
    context = {
        "form": form,
        "page_obj": Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "searched": bool(form.data.get("q", "").strip()),
    }
    template = "owner/partials/_client_results.html" if wants_partial(request) else "owner/clients.html"
    return render(request, template, context, status=status)


@require_GET
@owner_required
def client_export(request: OwnerRequest) -> HttpResponse:
    """The clients list as CSV, with its search; a bad search answers 400 and exports nothing."""
    form = ClientSearchForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Nothing exported. Check the search:\n%(errors)s") % {"errors": form_errors_text(form)},
                                      content_type="text/plain; charset=utf-8")
    clients = client_search(request.business.pk, " ".join(form.cleaned_data["q"].split()))
    zone = ZoneInfo(request.business.timezone)
    slug = request.business.booking_settings.public_booking_slug
    return csv_download(header(CLIENT_HEADER), in_request_language(client_rows(clients, zone)),
                        filename=export_filename(slug, "clients", zone, timezone.now()))


def _page(request: OwnerRequest, client: Client, form: ClientForm, status: int = 200) -> HttpResponse:
    template = "owner/partials/_client_form.html" if wants_partial(request) else "owner/client.html"
    context = {"client": client, "form": form}
    if template == "owner/client.html":
        bookings = client_bookings(request.business.pk, client.pk)
        context["page_obj"] = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
        context["attendance"] = client_attendance(request.business.pk, client.pk, now=timezone.now())
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@owner_required
def client_detail(request: OwnerRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(owner_clients(request.business.pk), pk=pk)
    country = request.business.country
    if request.method == "GET":
        form = ClientForm(initial={"name": client.name, "email": client.email, "phone": client.phone}, country=country)
        return _page(request, client, form)
    form = ClientForm(request.POST, country=country, current_phone=client.phone)
    if form.is_valid():
        try:
            client_update(client=client, **form.cleaned_data)
        except BookingError as exc:
            form.add_error(getattr(exc, "field", None), exc.message)
        else:
            messages.success(request, _("Saved %(name)s’s details.") % {"name": client.name})
            url = reverse("owner:client", args=[client.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return _page(request, client, form, status=400)
