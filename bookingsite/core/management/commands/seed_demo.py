from django.core.management.base import BaseCommand

from bookingsite.core import demo


class Command(BaseCommand):
    help = "Create the demo business, Sarah's Swim School, with services, hours and bookings. Safe to run again."

    def handle(self, *args, **options):
        page = demo.seed_demo()
        self.stdout.write(f"Demo business ready: /book/{page.public_booking_slug}/")
