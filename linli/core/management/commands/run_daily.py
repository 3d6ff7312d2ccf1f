"""Run every registered daily job (deadline checks and escalation, reminders, purges). Schedule it once a day.

By default each job is enqueued on the tasks backend (``linli.core.tasks.run_daily_job``), so the task workers
(``manage.py db_worker`` by default) do the work and keep its result; ``--inline`` runs them here, one after the
other, and prints their summaries.
"""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from linli.core.context import acting_as
from linli.core.registry import registry


class Command(BaseCommand):
    help = "Enqueue (or with --inline run) the daily jobs every domain registered (registry.daily_jobs)."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", default=None, help="Run only these job keys.")
        parser.add_argument("--list", action="store_true", help="List the jobs and exit.")
        parser.add_argument(
            "--inline",
            action="store_true",
            help="Run the jobs in this process instead of enqueueing them for the task workers.",
        )

    def handle(self, *args, only=None, list=False, inline=False, **options):
        jobs = [j for j in registry.daily_jobs if not only or j.key in only]
        unknown = set(only or ()) - {j.key for j in jobs}
        if unknown:
            self.stderr.write(_("Unknown daily jobs: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
            raise SystemExit(2)
        if list:
            for job in jobs:
                self.stdout.write(job.key)
            return
        if not inline:
            self.enqueue(jobs)
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

    def enqueue(self, jobs):
        from linli.core.tasks import run_daily_job

        for job in jobs:
            result = run_daily_job.enqueue(job.key)
            if result.is_finished:  # an immediate backend (tests, development) has already run it
                status = result.status
                summary = result.return_value if status == "SUCCESSFUL" else status
                self.stdout.write(f"{job.key}: {summary or _('done')}")
            else:
                self.stdout.write(_("%(key)s: queued as task %(id)s") % {"key": job.key, "id": result.id})
