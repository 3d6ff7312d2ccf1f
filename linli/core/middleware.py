from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import context

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"


def client_ip(request) -> str | None:
    """The client address. Behind nginx, set LINLI_TRUST_X_FORWARDED_FOR=1 so X-Forwarded-For is believed.

    The last entry is the one our nginx added (the peer it saw); the ones before it came from the client and
    could be anything, so rate limits and lockouts keyed on them could be dodged.
    """
    from django.conf import settings

    if getattr(settings, "LINLI_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Give every request an id (honouring a sane X-Request-ID from nginx) and remember the client IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(REQUEST_ID_HEADER, "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else context.new_request_id()
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.set_current(context.RequestContext(request_id, client_ip(request), channel))
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class HtmxVaryMiddleware:
    """One view serves the full page and its htmx fragment, so caches must vary on HX-Request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response


class LanguageMiddleware:
    """Chinese unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an English-language phone
    would get English by default; linli's default is zh-hans and only the explicit switch (the
    language cookie set by ``set_language``) changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        # override, not activate: the thread's language is restored after the response, so nothing the same
        # thread does next outside a request (a task, an outbox delivery) is written in this user's language.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
