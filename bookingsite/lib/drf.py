"""DRF pieces that the public JSON and the owner's API share: the error shape in the schema.

The handler that gives every error this shape is the API's (api.errors.exception_handler, set in
settings.REST_FRAMEWORK), since it answers errors of the layers above this one too.
"""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Messages by field; "__all__" holds those about the request as a whole."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages by field name ("blocks.2.end_time" inside lists); "__all__" for the request as a whole.',
    )

    class Meta:
        ref_name = "Errors"
