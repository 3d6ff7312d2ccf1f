"""``manage.py backup --to DIR --passphrase-file FILE``: an encrypted backup of the database and the media files.

What it writes and why: ``linli/core/backup.py``; how to run it nightly and restore it: docs/deployment.md §7.
The data keys are not in it. Prints the backup directory's path on the last line (for scripts).
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from linli.core import backup, crypto


class Command(BaseCommand):
    help = "Write an encrypted backup (pg_dump -Fc, media, manifest) of this installation into --to."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="directory that receives linli-backup-<time>/")
        parser.add_argument("--passphrase-file", required=True, help="the backup passphrase (NOT the data keys)")
        parser.add_argument("--media-root", default=None, help="default: settings.MEDIA_ROOT")

    def handle(self, *args, to, passphrase_file, media_root, **options):
        try:
            final = self.make(Path(to), Path(passphrase_file), Path(media_root or settings.MEDIA_ROOT))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(final))

    def make(self, target: Path, passphrase_file: Path, media_root: Path) -> Path:
        backup.require_tools("gpg", "gpgconf", "pg_dump")
        passphrase_file = backup.check_passphrase_file(passphrase_file)
        env = backup.pg_env()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target.mkdir(parents=True, exist_ok=True)
        final = target / f"linli-backup-{stamp}"
        partial = target / f".partial-linli-backup-{stamp}"
        if final.exists() or partial.exists():
            raise backup.BackupError(f"{final} already exists; wait a second and run again")
        partial.mkdir(mode=0o700)
        try:
            with backup.gpg_home() as home:
                manifest = self._dump(home, passphrase_file, env, partial)
                manifest["media"] = self._media(home, passphrase_file, media_root, partial)
                plain = partial / "manifest.json"
                backup.write_json(plain, manifest)
                try:
                    subprocess.run(
                        [*backup.encrypt_cmd(home, passphrase_file, partial / backup.MANIFEST), str(plain)],
                        check=True,
                        capture_output=True,
                    )
                finally:
                    plain.unlink()  # counts and versions only, but it goes out encrypted like the rest
            names = (backup.DATABASE, backup.MEDIA, backup.MANIFEST)
            sums = "".join(f"{backup.sha256_of(partial / name)}  {name}\n" for name in names)
            (partial / backup.SUMS).write_text(sums)
            partial.rename(final)
        except BaseException:
            for p in partial.glob("*"):
                p.unlink()
            partial.rmdir()
            raise
        total = manifest["tables"]
        self.stderr.write(
            f"backup {final.name}: {len(total)} tables, {sum(total.values())} rows, "
            f"{manifest['media']['files']} media files ({manifest['media']['bytes']} bytes); "
            "the data keys are NOT in it (docs/deployment.md §7)"
        )
        return final

    def _dump(self, home: str, passphrase_file: Path, env: dict, out: Path) -> dict:
        """pg_dump in the snapshot the row counts are taken in, so the manifest matches the dump exactly."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            dump = subprocess.Popen(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-password"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            enc = subprocess.Popen(
                backup.encrypt_cmd(home, passphrase_file, out / backup.DATABASE),
                stdin=dump.stdout,
                stderr=subprocess.PIPE,
            )
            dump.stdout.close()  # gpg holds the read end; pg_dump sees a closed pipe if gpg dies
            tables = backup.table_names(cursor)
            counts = backup.row_counts(cursor, tables)
            migrations = backup.applied_migrations(cursor)
            backup.finish(enc, "gpg (database)")
            backup.finish(dump, "pg_dump")
        return {
            "format": backup.FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "code": backup.code_version(),
            "database": {"name": connection.settings_dict["NAME"], "server_version": server_version},
            "tables": counts,
            "migrations": migrations,
            "key_fingerprints": crypto.key_fingerprints(),
            "keys_not_included": "LINLI_DATA_KEYS and LINLI_HASH_KEY are not in this backup: "
            "restore needs them from the secret store (docs/deployment.md §7, §8)",
        }

    def _media(self, home: str, passphrase_file: Path, media_root: Path, out: Path) -> dict:
        enc = subprocess.Popen(
            backup.encrypt_cmd(home, passphrase_file, out / backup.MEDIA), stdin=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            summary = backup.media_tar_into(enc.stdin, media_root)
        finally:
            enc.stdin.close()
        backup.finish(enc, "gpg (media)")
        return summary
