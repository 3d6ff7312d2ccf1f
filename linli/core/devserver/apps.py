from django.apps import AppConfig


class DevServerConfig(AppConfig):
    """Only the guarded ``runserver``; listed before ``django.contrib.staticfiles`` so its command wins."""

    name = "linli.core.devserver"
    label = "linli_devserver"
    verbose_name = "linli development server"
