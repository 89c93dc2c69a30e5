from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "bookingsite.public"
    verbose_name = "Public booking pages"
