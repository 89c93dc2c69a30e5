"""A label before its value is punctuated as its language writes it (plain-text emails' details)."""

import pytest
from django.template import Context, Template
from django.utils import translation

LABEL = Template('{% load display i18n %}{{ _("Date")|label }}')


@pytest.mark.parametrize(("code", "expected"), [
    ("en", "Date:"), ("de", "Datum:"), ("es", "Fecha:"), ("fr", "Date\u00a0:"),
])
def test_a_label_takes_its_language_s_colon(code, expected):
    with translation.override(code):
        assert LABEL.render(Context()) == expected
