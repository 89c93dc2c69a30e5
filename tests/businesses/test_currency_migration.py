"""Businesses made before the currency could be chosen (all on the old default, USD) take their
zone's country's currency when migrated; one already on another currency keeps it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("businesses", "0010_currency_and_clock")]
AFTER = [("businesses", "0011_currency_from_zone")]


def test_old_businesses_take_their_zone_s_currency():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("auth", "User")
    BusinessProfile = old.get_model("businesses", "BusinessProfile")
    made = {}
    for n, (zone, currency) in enumerate([("Europe/Berlin", "USD"), ("Europe/London", "USD"),
                                          ("America/New_York", "USD"), ("UTC", "USD"), ("Europe/Paris", "CHF")]):
        owner = User.objects.create(username=f"owner{n}", email=f"owner{n}@example.com")
        made[zone] = BusinessProfile.objects.create(owner=owner, name=f"Business {n}", timezone=zone, currency=currency).pk

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    migrated = MigrationExecutor(connection).loader.project_state(AFTER).apps.get_model("businesses", "BusinessProfile")

    currencies = dict(migrated.objects.values_list("timezone", "currency"))
    assert currencies == {"Europe/Berlin": "EUR", "Europe/London": "GBP", "America/New_York": "USD",
                          "UTC": "USD", "Europe/Paris": "CHF"}
    assert set(migrated.objects.values_list("pk", flat=True)) == set(made.values())
