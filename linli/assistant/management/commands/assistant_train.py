"""Train a routing model version now (the same service the background task runs)."""

from django.core.management.base import BaseCommand

from linli.assistant.services import train_version
from linli.core.context import acting_as


class Command(BaseCommand):
    help = "Gather archived cases, train, evaluate on the held-out slice, put in use if not worse."

    def handle(self, *args, **opts):
        with acting_as("command"):
            row = train_version(actor=None, note="manage.py assistant_train")
        m = row.metrics
        self.stdout.write(
            f"v{row.version} {row.status}: top-1 {m['top1']:.1%} top-3 {m['top3']:.1%} on {row.held_out} held out "
            f"(version in use before: {m['baseline']['top1']:.1%}); {m['seconds']} s"
        )
