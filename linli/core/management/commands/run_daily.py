"""Run every registered daily job (deadline checks, reminders, purges). Schedule it once a day (cron/systemd)."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from linli.core.context import acting_as
from linli.core.registry import registry


class Command(BaseCommand):
    help = "Run the daily jobs every domain registered (registry.daily_jobs). Schedule once a day."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", default=None, help="Run only these job keys.")
        parser.add_argument("--list", action="store_true", help="List the jobs and exit.")

    def handle(self, *args, only=None, list=False, **options):
        jobs = [j for j in registry.daily_jobs if not only or j.key in only]
        if list:
            for job in jobs:
                self.stdout.write(job.key)
            return
        failed = 0
        for job in jobs:
            started = time.monotonic()
            try:
                with acting_as("task"):
                    summary = job.run()
            except Exception as exc:  # one job's failure must not stop the others
                failed += 1
                self.stderr.write(f"{job.key}: FAILED {exc!r}")
                continue
            self.stdout.write(f"{job.key}: {summary or _('done')} ({time.monotonic() - started:.1f} s)")
        if failed:
            raise SystemExit(1)
