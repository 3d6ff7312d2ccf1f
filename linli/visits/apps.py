from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "linli.visits"
    label = "visits"
    verbose_name = _("Pairing and home visits")
