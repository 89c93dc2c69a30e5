from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookingsite.bookings"

    def ready(self) -> None:
        from bookingsite.businesses.events import page_change_consumer_add, service_change_consumer_add

        from .waitlist import page_waitlist_refresh, service_waitlist_refresh

        # Waitlists follow their service and their page, in the same transaction.
        service_change_consumer_add(service_waitlist_refresh)
        page_change_consumer_add(page_waitlist_refresh)
