"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2): discovery, services, service
definitions, requests (POST with an API key, GET public), tokens; every resource in JSON and XML."""
