"""Keyboard focus on the client's details form is visible (WCAG 2.4.7): each field looks different
focused, at phone and desktop widths. axe cannot see this, so the computed style is compared."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import AT_BOTH_WIDTHS

from . import steps
from .steps import LONDON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a person sees of the focus: a shadow, a border, or an outline that is drawn (style not none).
LOOK = """(el) => {
  const s = getComputedStyle(el);
  const drawn = s.outlineStyle !== "none" && s.outlineWidth !== "0px";
  const outline = drawn ? [s.outlineStyle, s.outlineWidth, s.outlineColor].join(" ") : "no outline";
  return [s.boxShadow, s.borderColor, outline].join(" | ");
}"""


@AT_BOTH_WIDTHS
def test_every_field_of_the_form_shows_the_keyboard_focus(live_server, tab, studio):
    tab.goto(f"{live_server.url}/book/{studio.slug}/{studio.private.pk}/?date={steps.today_in(LONDON) + timedelta(days=2)}")
    link, _start = steps.first_slot(tab)
    link.click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Your details")
    for label in ("Your name", "Email", "Phone", "Notes (optional)"):
        field = tab.get_by_label(label)
        unfocused = field.evaluate(LOOK)
        field.focus()
        expect(field).to_be_focused()
        assert field.evaluate(LOOK) != unfocused, label
