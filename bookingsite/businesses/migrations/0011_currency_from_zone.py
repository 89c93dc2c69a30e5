"""Businesses made before the currency could be chosen all hold the old default, USD: give each
the currency of its zone's country (GBP for Europe/London, EUR for Europe/Berlin), as sign-up
now does. The owner can change it on the settings page."""

from babel.core import get_global
from babel.numbers import get_territory_currencies
from django.db import migrations


def zone_currency(zone: str) -> str:
    # A frozen copy of lib.locale_formats.zone_currency: a migration must not change with the code.
    territory = get_global("zone_territories").get(zone, "")
    if territory in ("", "001", "ZZ"):
        return "USD"
    current = get_territory_currencies(territory, tender=True)
    return current[0] if current else "USD"


def currency_from_zone(apps, schema_editor):
    BusinessProfile = apps.get_model("businesses", "BusinessProfile")
    for business in BusinessProfile.objects.filter(currency="USD").only("pk", "timezone"):
        currency = zone_currency(business.timezone)
        if currency != "USD":
            BusinessProfile.objects.filter(pk=business.pk).update(currency=currency)


class Migration(migrations.Migration):

    dependencies = [
        ("businesses", "0010_currency_and_clock"),
    ]

    operations = [
        migrations.RunPython(currency_from_zone, migrations.RunPython.noop),
    ]
