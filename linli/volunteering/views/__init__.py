"""Volunteering pages: phone-first for residents (find, sign up, check in, my hours/stars/certificates) and staff
pages (volunteers with export, teams, activities with sign-ups and the check-in list, star notices).
Thin: parse → selectors / services → render.

One module per page family: ``phone`` (the resident's), ``activity_pages``, ``volunteer_pages``, ``team_pages``,
``star_pages``; ``common`` for what they share. (``*_pages`` because ``activities``, ``volunteers``, ``teams`` and
``stars`` are the names of views re-exported here.) ``urls.py`` keeps using ``views.<name>``.
"""

from .activity_pages import (
    activities,
    activity,
    activity_code,
    activity_export,
    activity_new,
    activity_op,
    check_url,
    qr_svg,
    signup_op,
)
from .phone import certificate, certificate_request, check, find, me
from .star_pages import star_levels, star_notice, star_withdraw, stars
from .team_pages import team, team_new, teams
from .volunteer_pages import volunteer, volunteer_new, volunteers, volunteers_export

__all__ = [
    "activities",
    "activity",
    "activity_code",
    "activity_export",
    "activity_new",
    "activity_op",
    "certificate",
    "certificate_request",
    "check",
    "check_url",
    "find",
    "me",
    "qr_svg",
    "signup_op",
    "star_levels",
    "star_notice",
    "star_withdraw",
    "stars",
    "team",
    "team_new",
    "teams",
    "volunteer",
    "volunteer_new",
    "volunteers",
    "volunteers_export",
]
