"""The ingest worker: MQTT → validation → batched storage → rules (linli/iot/mqtt.py)."""

import signal

from django.core.management.base import BaseCommand

from linli.core.context import acting_as


class Command(BaseCommand):
    help = "Run the IoT ingest worker: subscribe to the device topics on the MQTT broker and store telemetry."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1883)
        parser.add_argument("--client-id", default="linli-iot-ingest")
        parser.add_argument("--batch", type=int, default=5000, help="messages per transaction at most")
        parser.add_argument("--interval", type=float, default=0.2, help="seconds between batches when quiet")
        parser.add_argument(
            "--session-expiry", type=int, default=7 * 86400, help="seconds the broker keeps the session"
        )
        parser.add_argument("--seconds", type=float, default=None, help="stop after this long (tests)")

    def handle(self, *args, **opts):
        from linli.iot.mqtt import Worker

        worker = Worker(
            host=opts["host"],
            port=opts["port"],
            client_id=opts["client_id"],
            batch=opts["batch"],
            interval=opts["interval"],
            session_expiry=opts["session_expiry"],
            out=self.stdout,
        )
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        with acting_as("task"):
            worker.run(seconds=opts["seconds"])
        self.stdout.write(f"stopped; totals {dict(worker.totals)}\n")
