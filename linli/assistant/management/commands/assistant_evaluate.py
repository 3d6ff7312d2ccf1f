"""Routing accuracy on the labelled evaluation set, against the keyword rules and the majority class."""

from django.core.management.base import BaseCommand

from linli.assistant.evaluate import run


class Command(BaseCommand):
    help = "Top-1/top-3 category and organisation accuracy, baselines, duplicate precision/recall."

    def add_arguments(self, parser):
        parser.add_argument(
            "--model-version",
            dest="model_version",
            type=int,
            help="evaluate this stored model version (default: train now)",
        )
        parser.add_argument("--history", type=int, default=30000, help="synthetic cases to train on (default 30000)")

    def handle(self, *args, model_version=None, history=30000, **opts):
        r = run(version=model_version, history=history)
        w = self.stdout.write
        w(f"evaluation set: {r['reports']} labelled reports (written by the team; never trained on)")
        w(f"{'':52} {'top-1':>7} {'top-3':>7} {'org':>7}")
        for row in r["results"]:
            w(f"{row['name']:52} {row['top1']:7.1%} {row['top3']:7.1%} {row['org']:7.1%}")
        d = r["duplicates"]
        w(f"duplicates: {d['pairs']} labelled pairs, threshold {d['threshold']}: "
          f"precision {d['precision']:.1%}, recall {d['recall']:.1%}")  # fmt: skip
        w(f"training {r['train_seconds']} s; routing {r['ms_per_report']} ms per report (incl. rules)")
