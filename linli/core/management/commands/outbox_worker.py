"""``manage.py outbox_worker``: deliver the outbox (linli.core.outbox) — retries, back-off, dead letters.

Run one (or several: deliveries are claimed with SKIP LOCKED on PostgreSQL) under systemd next to the task worker;
``--once`` drains what is due and exits (cron, or the periodic task ``linli.core.tasks.drain_outbox``).
SIGTERM/SIGINT finish the current batch and stop; a SIGKILL mid-batch rolls the batch back, nothing is lost.
"""

import signal

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from linli.core import context, outbox


class Command(BaseCommand):
    help = "Deliver pending domain events to their subscribers, with retries and a dead-letter list."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="deliveries claimed per transaction")
        parser.add_argument("--once", action="store_true", help="drain what is due, then exit")
        parser.add_argument("--idle", type=float, default=1.0, help="seconds to sleep when nothing is due")

    def handle(self, *args, batch, once, idle, **options):
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            with context.acting_as("task"):
                n = outbox.run(batch=batch, once=once, idle=idle, should_stop=lambda: bool(stopping))
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        self.stdout.write(_("%(n)s deliveries attempted") % {"n": n})
