"""``runserver`` that refuses to expose the development mode to the network (see ``linli.core.devserver.guard``)."""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver

from ...guard import check_bind


class Command(StaticfilesRunserver):
    def run(self, **options):
        warning = check_bind(self.addr)
        if warning:
            self.stderr.write(warning)
        super().run(**options)
