"""Backup and restore on the machine's PostgreSQL (docs/deployment.md §7): seed a few residents with sealed ID and
phone numbers and an uploaded file, ``manage.py backup``, then ``manage.py restore_backup`` — the command an operator
runs, in its own process — into a fresh, empty database, and check what it checked (row counts of every table
against the manifest, the media files, decrypted sealed values) and read a decrypted record from the copy ourselves.
A wrong passphrase and wrong data keys fail clearly, before anything is written."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from linli.core import crypto

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump/pg_restore: run with DATABASE_URL=postgres://… (the PostgreSQL leg of CI does)",
    ),
    pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed (apt-get install gnupg)"),
]

DATA_KEY = crypto.generate_key()
HASH_KEY = "h" * 64
PEOPLE = [
    ("王五", "440524188001010014", "13900001111"),
    ("赵六", "11010519491231002X", "13800138000"),
    ("孙七", "340504199001011230", ""),
]


@pytest.fixture
def residents(tree, settings):
    from linli.registry import services

    settings.LINLI_DATA_KEYS = [DATA_KEY]
    settings.LINLI_HASH_KEY = HASH_KEY
    return [
        services.resident_create(
            actor=tree.users["secretary_a1"], name=name, home=tree.house_a1, id_number=number, phone=phone
        )
        for name, number, phone in PEOPLE
    ]


@pytest.fixture
def seeded(residents, tmp_path):
    media = tmp_path / "media"
    (media / "attachments" / "2026").mkdir(parents=True)
    (media / "attachments" / "2026" / "photo.jpg").write_bytes(b"\xff\xd8 not really a jpeg " * 100)
    passphrase = tmp_path / "backup.pass"
    passphrase.write_text("correct horse battery staple 2026\n")
    backups = tmp_path / "backups"
    call_command("backup", to=str(backups), passphrase_file=str(passphrase), media_root=str(media), stderr=None)
    (made,) = backups.iterdir()
    return residents, made, passphrase, tmp_path


@pytest.fixture
def empty_database():
    name = f"linli_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s.get('PASSWORD') or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    yield url
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore(backup_dir, passphrase, database_url, media_root, *, data_key=DATA_KEY, hash_key=HASH_KEY):
    env = {
        **os.environ,
        "LINLI_ENV": "test",
        "DATABASE_URL": database_url,
        "LINLI_DATA_KEYS": data_key,
        "LINLI_HASH_KEY": hash_key,
    }
    cmd = [sys.executable, "manage.py", "restore_backup", str(backup_dir), "--passphrase-file", str(passphrase)]
    cmd += ["--media-root", str(media_root)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_backup_restores_into_an_empty_database_and_proves_itself(seeded, empty_database):
    residents, made, passphrase, tmp = seeded
    assert sorted(p.name for p in made.iterdir()) == [
        "SHA256SUMS",
        "database.dump.gpg",
        "manifest.json.gpg",
        "media.tar.gpg",
    ]
    everything = b"".join(p.read_bytes() for p in made.iterdir())
    for secret in (DATA_KEY, HASH_KEY, "440524188001010014", "13900001111", "王五"):
        assert secret.encode() not in everything  # encrypted, and the keys are not in it

    result = restore(made, passphrase, empty_database, tmp / "restored-media")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "migrate --check: no unapplied migrations" in out
    assert "all as in the manifest" in out
    assert "media: 1 files" in out
    assert "sealed data registry.resident: 5 values decrypted, lookup hashes match" in out  # 3 IDs + 2 phones
    assert out.rstrip().endswith("restore verified")
    assert (tmp / "restored-media" / "attachments" / "2026" / "photo.jpg").read_bytes().startswith(b"\xff\xd8")

    # Our own look at the copy: the same residents, and their numbers decrypt to what was entered.
    with psycopg.connect(empty_database) as conn:
        rows = conn.execute("SELECT id, name, id_cipher, phone_cipher FROM registry_resident ORDER BY id").fetchall()
    assert [r[1] for r in rows] == [name for name, _n, _p in PEOPLE]
    assert [r[0] for r in rows] == [r.pk for r in residents]
    assert [crypto.decrypt(r[2]) for r in rows] == [number for _name, number, _p in PEOPLE]
    assert crypto.decrypt(rows[0][3]) == "13900001111"

    # A second restore into the now-filled database is refused.
    again = restore(made, passphrase, empty_database, tmp / "other-media")
    assert again.returncode != 0 and "is not empty" in again.stderr


def test_a_restore_with_the_wrong_passphrase_or_the_wrong_keys_fails_clearly(seeded, settings):
    """Run in this process (the command is the same): each failure comes before the database is even looked at —
    here it is the seeded test database, which a restore would refuse anyway."""
    from linli.registry.models import Resident

    _residents, made, passphrase, tmp = seeded

    def restore_here(passphrase_file):
        with pytest.raises(CommandError) as failed:
            call_command("restore_backup", str(made), passphrase_file=str(passphrase_file), media_root=str(tmp / "m"))
        return str(failed.value)

    wrong = tmp / "wrong.pass"
    wrong.write_text("not the passphrase\n")
    assert "cannot decrypt manifest.json.gpg: wrong passphrase file, or a damaged backup" in restore_here(wrong)

    settings.LINLI_DATA_KEYS = [crypto.generate_key()]
    said = restore_here(passphrase)
    assert "LINLI_DATA_KEYS are not the keys this backup's personal data was sealed with" in said
    assert "Nothing was restored" in said

    settings.LINLI_DATA_KEYS, settings.LINLI_HASH_KEY = [DATA_KEY], "x" * 64
    assert "LINLI_HASH_KEY is not the key" in restore_here(passphrase)

    settings.LINLI_HASH_KEY = HASH_KEY
    dump = made / "database.dump.gpg"  # a damaged copy is found before decryption
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    assert "database.dump.gpg is missing or damaged" in restore_here(passphrase)

    assert Resident.objects.count() == len(PEOPLE) and not (tmp / "m").exists()  # nothing was written
