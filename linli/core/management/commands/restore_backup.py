"""``manage.py restore_backup DIR --passphrase-file FILE``: restore a backup into the EMPTY database that
DATABASE_URL names, then prove it: ``check``, ``migrate --check``, the row count of every table against the manifest,
the media files, and a sample of sealed ID and phone numbers decrypted with the configured ``LINLI_DATA_KEYS`` and
their lookup hashes recomputed with ``LINLI_HASH_KEY`` (registry.sealed_checks).

Exits non-zero with a message that says what differs. Wrong passphrase: fails before anything is written. Data keys
that are not the ones the backup was made with: fails before anything is written (the manifest's key fingerprints),
and the sample would fail too. docs/deployment.md §7.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from linli.core import backup, crypto
from linli.core.registry import registry


class Command(BaseCommand):
    help = "Restore a backup into the empty database DATABASE_URL names, and check it against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("backup_dir", help="a linli-backup-<time>/ directory written by manage.py backup")
        parser.add_argument("--passphrase-file", required=True)
        parser.add_argument("--media-root", default=None, help="default: settings.MEDIA_ROOT (must be empty)")
        parser.add_argument("--sample", type=int, default=50, help="sealed records to decrypt per kind (default 50)")

    def handle(self, *args, backup_dir, passphrase_file, media_root, sample, **options):
        try:
            self.restore(Path(backup_dir), Path(passphrase_file), Path(media_root or settings.MEDIA_ROOT), sample)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc

    def say(self, line: str) -> None:
        self.stdout.write(line)

    def restore(self, src: Path, passphrase_file: Path, media_root: Path, sample: int) -> None:
        backup.require_tools("gpg", "gpgconf", "pg_restore")
        passphrase_file = backup.check_passphrase_file(passphrase_file)
        env = backup.pg_env()
        self._check_sums(src)
        with backup.gpg_home() as home:
            manifest = json.loads(backup.decrypt_bytes(home, passphrase_file, src / backup.MANIFEST))
            if manifest.get("format") != backup.FORMAT:
                raise backup.BackupError(f"unknown backup format {manifest.get('format')!r}")
            self.say(
                f"backup of {manifest['database']['name']} made {manifest['created_at']} "
                f"(linli {manifest['code']['version']} {manifest['code']['commit'][:12]})"
            )
            self._check_keys(manifest)
            self._check_empty(media_root)
            self._restore_database(home, passphrase_file, src, env)
            self._restore_media(home, passphrase_file, src, media_root)
        self._verify(manifest, media_root, sample)

    # --- before anything is written -----------------------------------------------------------------------------

    def _check_sums(self, src: Path) -> None:
        sums = src / backup.SUMS
        if not sums.is_file():
            raise backup.BackupError(f"{src} is not a backup directory (no {backup.SUMS})")
        for line in sums.read_text().splitlines():
            digest, name = line.split(maxsplit=1)
            path = src / name.strip()
            if not path.is_file() or backup.sha256_of(path) != digest:
                raise backup.BackupError(f"{path.name} is missing or damaged (its SHA-256 differs from {backup.SUMS})")

    def _check_keys(self, manifest: dict) -> None:
        then, now = manifest["key_fingerprints"], crypto.key_fingerprints()
        if not set(then["data"]) & set(now["data"]):
            raise backup.BackupError(
                "LINLI_DATA_KEYS are not the keys this backup's personal data was sealed with "
                f"(backup: {', '.join(then['data'])}; configured: {', '.join(now['data'])}). The keys are not in the "
                "backup: set LINLI_DATA_KEYS from the secret store (docs/deployment.md §8). Nothing was restored."
            )
        if then["hash"] != now["hash"]:
            raise backup.BackupError(
                f"LINLI_HASH_KEY is not the key this backup's lookup hashes were made with (backup: {then['hash']}; "
                f"configured: {now['hash']}). Set it from the secret store. Nothing was restored."
            )

    def _check_empty(self, media_root: Path) -> None:
        with connection.cursor() as cursor:
            tables = backup.table_names(cursor)
        if tables:
            raise backup.BackupError(
                f"database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables): restore into a new "
                "database (createdb …) and point DATABASE_URL at it"
            )
        if media_root.exists() and any(media_root.iterdir()):
            raise backup.BackupError(f"media folder {media_root} is not empty: restore into a new one (--media-root)")

    # --- writing ------------------------------------------------------------------------------------------------

    def _restore_database(self, home: str, passphrase_file: Path, src: Path, env: dict) -> None:
        dec = subprocess.Popen(
            backup.decrypt_cmd(home, passphrase_file, src / backup.DATABASE),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        restore = subprocess.Popen(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--no-password",
                "-d",
                env["PGDATABASE"],
            ],
            env=env,
            stdin=dec.stdout,
            stderr=subprocess.PIPE,
        )
        dec.stdout.close()
        backup.finish(restore, "pg_restore")
        backup.finish(dec, "gpg (database)")
        connection.close()  # the restored tables are new to this process's connection
        self.say("database restored")

    def _restore_media(self, home: str, passphrase_file: Path, src: Path, media_root: Path) -> None:
        dec = subprocess.Popen(
            backup.decrypt_cmd(home, passphrase_file, src / backup.MEDIA),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            backup.media_untar_from(dec.stdout, media_root)
        finally:
            dec.stdout.close()
        backup.finish(dec, "gpg (media)")
        self.say(f"media restored into {media_root}")

    # --- proving it ---------------------------------------------------------------------------------------------

    def _verify(self, manifest: dict, media_root: Path, sample: int) -> None:
        problems = []
        call_command("check", stdout=self.stdout, stderr=self.stderr)
        try:
            call_command("migrate", check_unapplied=True, verbosity=0)
        except SystemExit:
            problems.append(
                "migrate --check: this code has migrations the backup lacks (restored from an older version?): "
                "run manage.py migrate, then check again"
            )
        else:
            self.say("migrate --check: no unapplied migrations")

        with connection.cursor() as cursor:
            counts = backup.row_counts(cursor, backup.table_names(cursor))
        comparison = backup.compare_counts(manifest["tables"], counts)
        problems += comparison.differences
        if not comparison.differences:
            self.say(f"row counts: {comparison.tables} tables, {comparison.rows} rows, all as in the manifest")

        media = backup.media_summary(media_root)
        if media != manifest["media"]:
            problems.append(f"media: {manifest['media']} in the backup, {media} after the restore")
        else:
            self.say(f"media: {media['files']} files, {media['bytes']} bytes, as in the manifest")

        for check in registry.sealed_checks:
            checked, failures = check.run(sample)
            problems += [f"{check.key}: {f}" for f in failures]
            if not failures:
                self.say(f"sealed data {check.key}: {checked} values decrypted, lookup hashes match")
        if problems:
            shown = "\n  ".join(problems[:20])
            more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise CommandError(f"the restored copy differs from the backup:\n  {shown}{more}")
        self.say("restore verified")
