"""Portal pages: ``pages`` (the workbench, the section pages, large text), ``calendar`` (the working-day
calendar, was views_calendar.py) and ``outbox`` (the event deliveries, was views_outbox.py). ``urls.py`` uses
``views.<name>``."""

from .calendar import calendar_page
from .outbox import outbox_page
from .pages import home, large_text, section

__all__ = ["calendar_page", "home", "large_text", "outbox_page", "section"]
