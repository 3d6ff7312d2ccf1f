"""Publish realistic telemetry for the demo district's devices over MQTT (linli/iot/simulator.py)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Publish simulated device telemetry over MQTT (QoS 1, bounded in-flight window)."

    def add_arguments(self, parser):
        parser.add_argument("--devices", type=int, default=20, help="how many devices (the first N active ones)")
        parser.add_argument("--rate", type=float, default=10.0, help="messages per second, all devices together")
        parser.add_argument("--duration", type=float, default=30.0, help="seconds")
        parser.add_argument("--kind", action="append", default=[], help="only devices of this kind (repeatable)")
        parser.add_argument("--ident", action="append", default=[], help="only this device (repeatable)")
        parser.add_argument("--falling", action="append", default=[], help="a hydrant whose pressure falls")
        parser.add_argument("--window", type=int, default=2000, help="unacknowledged publishes at most")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1883)
        parser.add_argument("--id-prefix", default="", help="prefix of the message ids (a run's own ids)")

    def handle(self, *args, **opts):
        from linli.iot.simulator import Run, devices_for, simulate

        if opts["rate"] <= 0 or opts["duration"] <= 0 or not 1 <= opts["window"] <= 60000:
            raise CommandError("rate and duration must be positive, the window between 1 and 60000")
        devices = devices_for(count=opts["devices"], kinds=opts["kind"], idents=opts["ident"] + opts["falling"])
        if not devices:
            raise CommandError("no active devices match (run make demo, or provision devices first)")
        run = Run(
            devices=devices,
            rate=opts["rate"],
            duration=opts["duration"],
            falling=set(opts["falling"]),
            id_prefix=opts["id_prefix"],
        )
        self.stdout.write(f"publishing {int(run.rate * run.duration)} messages for {len(devices)} devices\n")
        result = simulate(run, host=opts["host"], port=opts["port"], window=opts["window"])
        self.stdout.write(f"{result}\n")
