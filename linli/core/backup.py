"""Encrypted backups and tested restores (``manage.py backup``, ``manage.py restore_backup``; docs/deployment.md §7).

A backup is one directory, ``linli-backup-<UTC time>/``, written under a temporary name and renamed when complete:

* ``database.dump.gpg`` — ``pg_dump -Fc`` of the whole database, streamed into gpg (no plaintext on disk);
* ``media.tar.gpg`` — the uploaded files (``MEDIA_ROOT``), streamed the same way;
* ``manifest.json.gpg`` — what a restore checks against: the row count of every table, taken in the same snapshot as
  the dump (``pg_export_snapshot`` + ``pg_dump --snapshot``), the media files' count and bytes, the migrations, the
  code version, and one-way fingerprints of the data keys (never the keys);
* ``SHA256SUMS`` — of the three encrypted files, so a copy can be checked for damage without the passphrase.

Encryption: ``gpg --symmetric`` (AES-256, OpenPGP with integrity protection; ADR 0018) under a passphrase file that
is NOT the data keys. ``LINLI_DATA_KEYS`` and ``LINLI_HASH_KEY`` are never written into a backup: a stolen backup and
passphrase still do not reveal ID or phone numbers, and a restore needs the keys from the secret store they live in.
Each gpg call runs with a throwaway home directory (no keyring, no cached passphrase) whose agent is stopped after.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json.gpg"
DATABASE = "database.dump.gpg"
MEDIA = "media.tar.gpg"
SUMS = "SHA256SUMS"


class BackupError(Exception):
    """A backup or restore step failed; the message says which and what to do."""


def require_tools(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        raise BackupError(
            f"missing program(s): {', '.join(missing)} — install them (Debian: apt-get install gnupg postgresql-client)"
        )


def pg_env() -> dict:
    """libpq environment for pg_dump/pg_restore, from the database the settings point at."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        raise BackupError("backups and restores need PostgreSQL (DATABASE_URL=postgres://…)")
    env = {**os.environ, "PGDATABASE": s["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    if (s.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = s["OPTIONS"]["sslmode"]
    return env


# --- gpg ------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def gpg_home():
    home = tempfile.mkdtemp(prefix="linli-gpg-")
    os.chmod(home, 0o700)
    try:
        yield home
    finally:
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], capture_output=True, check=False)
        shutil.rmtree(home, ignore_errors=True)


def _gpg(home: str, passphrase_file: Path, *args: str) -> list[str]:
    return [
        "gpg",
        "--homedir",
        home,
        "--batch",
        "--yes",
        "--quiet",
        "--no-symkey-cache",
        "--pinentry-mode",
        "loopback",
        "--passphrase-file",
        str(passphrase_file),
        *args,
    ]


def encrypt_cmd(home: str, passphrase_file: Path, out: Path) -> list[str]:
    return _gpg(
        home, passphrase_file, "--symmetric", "--cipher-algo", "AES256", "--compress-algo", "none", "--output", str(out)
    )


def decrypt_cmd(home: str, passphrase_file: Path, src: Path) -> list[str]:
    return _gpg(home, passphrase_file, "--decrypt", str(src))


def check_passphrase_file(path: Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"passphrase file not found: {path}")
    if not path.read_bytes().strip():
        raise BackupError(f"passphrase file is empty: {path}")
    return path


def finish(proc: subprocess.Popen, what: str) -> None:
    err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
    if proc.wait() != 0:
        raise BackupError(f"{what} failed (exit {proc.returncode}): {err or 'no message'}")


def decrypt_bytes(home: str, passphrase_file: Path, src: Path) -> bytes:
    result = subprocess.run(decrypt_cmd(home, passphrase_file, src), capture_output=True, check=False)
    if result.returncode != 0:
        said = result.stderr.decode(errors="replace").strip()
        raise BackupError(
            f"cannot decrypt {src.name}: wrong passphrase file, or a damaged backup (gpg: {said or 'no message'})"
        )
    return result.stdout


# --- what a manifest records -----------------------------------------------------------------------------------


def table_names(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [r[0] for r in cursor.fetchall()]


def row_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for t in tables:
        cursor.execute(f'SELECT count(*) FROM "{t}"')  # noqa: S608 - names come from pg_class, not from a user
        counts[t] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


def code_version() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("linli")
    except PackageNotFoundError:
        v = "unknown"
    root = Path(__file__).resolve().parents[2]
    commit = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {"version": v, "commit": commit}


def media_files(root: Path):
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def media_summary(root: Path) -> dict:
    files = list(media_files(root))
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Comparison:
    """Restored state against the manifest: one line per difference."""

    differences: list[str]
    tables: int
    rows: int


def compare_counts(expected: dict[str, int], actual: dict[str, int]) -> Comparison:
    diffs = []
    for t in sorted(set(expected) | set(actual)):
        e, a = expected.get(t), actual.get(t)
        if e is None:
            diffs.append(f"table {t}: not in the backup, {a} rows after the restore")
        elif a is None:
            diffs.append(f"table {t}: {e} rows in the backup, missing after the restore")
        elif e != a:
            diffs.append(f"table {t}: {e} rows in the backup, {a} after the restore")
    return Comparison(diffs, len(expected), sum(expected.values()))


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


def media_tar_into(stream, root: Path) -> dict:
    """Write ``root``'s files as a tar stream (paths relative to it) into ``stream``; returns files and bytes."""
    files = nbytes = 0
    with tarfile.open(fileobj=stream, mode="w|") as tar:
        for path in media_files(root):
            tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
            files += 1
            nbytes += path.stat().st_size
    return {"files": files, "bytes": nbytes}


def media_untar_from(stream, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        tar.extractall(root, filter="data")  # no absolute paths, no "..", no devices or links out of root
