"""DRF pieces that the public JSON and the owner's API share: the JSON parser, errors by field of
any status, and the error shape in the schema.

The handler that gives every error this shape is the API's (api.errors.exception_handler, set in
settings.REST_FRAMEWORK), since it answers errors of the layers above this one too.
"""

from rest_framework import exceptions, parsers, serializers

from .storable_text import NOT_STORABLE, unstorable_json_paths


class JSONParser(parsers.JSONParser):
    """DRF's, but JSON nested deeper than Python's recursion limit is malformed too, and a string or
    key holding a NUL ("\\u0000") or a lone surrogate ("\\ud800") is refused by its path: each a 400,
    never a 500 (DESIGN.md 8). Here once, so no field of any view can forget it."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError() from exc
        if paths := unstorable_json_paths(data):
            raise exceptions.ValidationError({path: [NOT_STORABLE] for path in paths})
        return data


class ErrorsByField(exceptions.APIException):
    """An error answer of any status with its messages by field, as a ValidationError's are:
    `ErrorsByField(404, slug=["No active booking page has this link."])`."""

    def __init__(self, status_code: int, **errors: list[str]):
        super().__init__(errors)
        self.status_code = status_code


class ErrorSerializer(serializers.Serializer):
    """Messages by field; "__all__" holds those about the request as a whole."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages by field name ("blocks.2.end_time" inside lists); "__all__" for the request as a whole.',
    )

    class Meta:
        ref_name = "Errors"
