"""Print the evaluation of 智能回应: hit@3 and the unsure rate on out-of-scope questions (targets 90 % and 80 %)."""

from django.core.management.base import BaseCommand

from linli.knowledge import evaluation


class Command(BaseCommand):
    help = "Evaluate the knowledge assistant on the team-written question set (hit@3, unsure rate out of scope)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold", type=float, default=None, help="confidence threshold (default: the service's)"
        )
        parser.add_argument("--misses", action="store_true", help="list the questions whose section is not first")

    def handle(self, *args, threshold=None, misses=False, **options):
        result, sweep = evaluation.run(threshold)
        w = self.stdout.write
        w(f"questions in scope: {result.n_questions}, out of scope: {result.n_out}")
        w(f"hit@1: {result.hit1:.1%}")
        w(f"hit@3: {result.hit3:.1%}   (target >= 90%)")
        w(
            f"threshold {result.threshold:.2f}: in-scope answered {result.answered:.1%}, "
            f"out-of-scope unsure {result.unsure_out:.1%}   (target >= 80%)"
        )
        w(f"of those answered confidently, the answering section among the quotes: {result.answered_right:.1%}")
        w("threshold sweep (in-scope answered / out-of-scope unsure):")
        for t, answered, unsure in sweep:
            w(f"  {t:.2f}  {answered:6.1%}  {unsure:6.1%}")
        if misses:
            for question, want, got, rank in result.misses:
                w(f"  rank {rank or '-'}: {question} | want {want} | got {got}")
