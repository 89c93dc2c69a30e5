from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookingsite.bookings"

    def ready(self) -> None:
        from bookingsite.businesses.events import service_change_consumer_add

        from .waitlist import service_waitlist_refresh

        # A service's waitlists follow its places and its waitlist switch, in the same transaction.
        service_change_consumer_add(service_waitlist_refresh)
