"""The picker's multiple mode: one chip a value (a hidden value, a hidden label, a remove button), the field gets the
list; a posted label is shown back, never looked up; a server-given value's label comes from ``label_for``."""

import pytest
from django import forms
from django.http import QueryDict

from linli.core.widgets import PickedListField, Picker

LABELS = {"340504001001": "雨秀社区", "340504001002": "西苑社区"}


class F(forms.Form):
    places = PickedListField(
        label="places",
        required=False,
        max_items=3,
        widget=Picker("areas:pick_places", multiple=True, label_for=LABELS.get),
    )


def test_an_initial_list_shows_one_chip_a_value_with_its_label():
    html = str(F(initial={"places": ["340504001001", "340504001002"]})["places"])
    assert html.count('data-testid="picker-chip"') == 2
    assert 'name="places" value="340504001001"' in html and 'name="places_label" value="雨秀社区"' in html
    assert "data-picker-multiple" in html and 'data-name="places"' in html
    # the search box posts nothing: only the chips' hidden inputs are the value
    assert html.count('type="hidden" name="places"') == 2 and 'type="search" id=' in html
    assert 'aria-label="移除 西苑社区"' in html or 'aria-label="Remove 西苑社区"' in html
    assert 'data-testid="picker-chip"' not in str(F()["places"])


def test_the_posted_values_are_the_list_and_their_posted_labels_are_shown_back():
    data = QueryDict(mutable=True)
    data.setlist("places", ["340504001001", " 340504001002 ", "340504001001", ""])
    data.setlist("places_label", ["我输入的", "另一个", "我输入的", ""])
    form = F(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["places"] == ["340504001001", "340504001002"]
    html = str(form["places"])
    assert 'value="我输入的"' in html and "雨秀社区" not in html  # shown back, not looked up
    assert html.count('data-testid="picker-chip"') == 2  # a repeat is one chip


def test_nothing_posted_is_an_empty_list_and_too_many_is_refused():
    form = F(QueryDict())
    assert form.is_valid() and form.cleaned_data["places"] == []
    data = QueryDict(mutable=True)
    data.setlist("places", ["1", "2", "3", "4"])
    form = F(data)
    assert not form.is_valid() and "places" in form.errors


def test_a_list_field_needs_a_multiple_picker():
    with pytest.raises(ValueError):
        PickedListField(widget=Picker("areas:pick_places"))
