"""Demo overlay (``LINLI_ENV=demo``, what ``make demo`` runs): the product as it would run, on this machine.

* DEBUG off: 404/403/500 are the Chinese error pages (templates/errors/), never Django's debug page with settings;
* static files served by WhiteNoise straight from the app and project static directories (no collectstatic);
* demo accounts allowed (only ``production`` refuses them, linli.demo.backends);
* loopback only: the Makefile binds 127.0.0.1 and no other Host header is accepted.

``make serve`` stays the developer's server (``development``: DEBUG on).
"""

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
WHITENOISE_USE_FINDERS = True  # serve from the finders: a fresh clone needs no collectstatic
WHITENOISE_AUTOREFRESH = False
