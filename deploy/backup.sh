#!/usr/bin/env bash
# Nightly encrypted backup of linli, for cron or a systemd timer (docs/deployment.md §7):
#
#     deploy/backup.sh [/etc/linli/linli.env]
#
# Loads the app's environment file (DATABASE_URL, LINLI_MEDIA_ROOT, …), runs `manage.py backup` (pg_dump -Fc + the
# media folder + a manifest, each encrypted with gpg under the backup passphrase) and keeps the last
# LINLI_BACKUP_KEEP_DAYS days. The data keys (LINLI_DATA_KEYS, LINLI_HASH_KEY) are never written into a backup.
#
#   LINLI_BACKUP_DIR              where backups go                (default /srv/linli/backups)
#   LINLI_BACKUP_PASSPHRASE_FILE  the backup passphrase, mode 0400 (default /etc/linli/backup.pass)
#   LINLI_BACKUP_KEEP_DAYS        days of backups kept here       (default 14; copy them off the machine too)
#
# Prints the new backup's directory on the last line; exits non-zero (cron mails it) when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

ENV_FILE=${1:-/etc/linli/linli.env}
if [[ -f "$ENV_FILE" ]]; then
    set -a
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    set +a
fi
DIR=${LINLI_BACKUP_DIR:-/srv/linli/backups}
PASS=${LINLI_BACKUP_PASSPHRASE_FILE:-/etc/linli/backup.pass}
KEEP=${LINLI_BACKUP_KEEP_DAYS:-14}
PY=${LINLI_PYTHON:-.venv/bin/python}

umask 077
mkdir -p "$DIR"
made=$("$PY" manage.py backup --to "$DIR" --passphrase-file "$PASS" | tail -n 1)
[[ -d "$made" ]] || { echo "backup: no backup directory was reported" >&2; exit 1; }

# Retention: complete backups older than KEEP days (never the one just made), and partial ones a crash left behind.
find "$DIR" -mindepth 1 -maxdepth 1 -type d -name 'linli-backup-*' -mtime +"$KEEP" ! -path "$made" -exec rm -rf {} +
find "$DIR" -mindepth 1 -maxdepth 1 -type d -name '.partial-linli-backup-*' -mmin +720 -exec rm -rf {} +
echo "$made"
