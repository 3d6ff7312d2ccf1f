"""A request in English must not leave English active for the next thing the same thread does.

Django keeps the active language in a thread-local. The language middleware activates the user's choice for the
request; if it left it active, whatever the worker thread did next outside a request (a notification written by a
task, an outbox delivery, the next test) would be written in that user's language instead of the default.
"""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.mark.django_db
def test_an_english_request_leaves_the_default_language_active_afterwards(client):
    translation.activate(settings.LANGUAGE_CODE)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert translation.get_language() == settings.LANGUAGE_CODE


@pytest.mark.django_db
def test_the_request_itself_is_served_in_the_chosen_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/accounts/login/").headers["Content-Language"] == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert client.get("/accounts/login/").headers["Content-Language"] == "zh-hans"
