#!/usr/bin/env bash
# The production-like stack on this machine, one command (`make stack`; stop it with `make stack-down`):
#
#   nginx (Debian package, deploy/nginx/linli.conf)  127.0.0.1:${LINLI_STACK_PORT:-18080}
#     → granian app process 1                         127.0.0.1:${LINLI_STACK_APP_1:-18001}
#     → granian app process 2                         127.0.0.1:${LINLI_STACK_APP_2:-18002}
#   task worker (manage.py task_worker) and the event outbox worker (manage.py outbox_worker)
#   PostgreSQL 127.0.0.1:5432 (database linli_stack) and Redis 127.0.0.1:6379 (cache db 3): started if down,
#   left running by stack-down (they are the machine's services).
#
# Everything runs with LINLI_ENV=production (DEBUG off, secrets required, hashed static files served by nginx,
# Redis cache, demo accounts refused) from generated secrets in var/stack/stack.env (mode 0600, kept between runs),
# on loopback only, with plain HTTP (LINLI_SECURE_COOKIES=0). The places and categories come from
# `seed_demo --small` run once under LINLI_ENV=demo; the smoke test logs in as a real (non-demo) superuser
# `stack-admin`. Logs: var/stack/log/. Then `make stack-smoke` (deploy/stack/smoke.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
STACK=${LINLI_STACK_DIR:-$ROOT/var/stack}
PORT=${LINLI_STACK_PORT:-18080}
APP_PORTS=("${LINLI_STACK_APP_1:-18001}" "${LINLI_STACK_APP_2:-18002}")
DB=${LINLI_STACK_DB:-linli_stack}
PY=$ROOT/.venv/bin/python
GRANIAN=$ROOT/.venv/bin/granian
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres

say() { printf '[stack] %s\n' "$*"; }
[[ -x "$GRANIAN" ]] || { echo "granian missing: make install (it comes with the serve extra)" >&2; exit 1; }
mkdir -p "$STACK"/{log,run,nginx/tmp,media}

# --- nginx from Debian ------------------------------------------------------------------------------------------
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
    say "installing nginx (Debian package)"
    [[ $(id -u) == 0 ]] || { echo "nginx is not installed: apt-get install nginx (as root)" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx </dev/null >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# --- PostgreSQL and Redis (the machine's; started only if down) --------------------------------------------------
if ! pg_isready -q; then
    say "PostgreSQL is not answering; starting the local cluster"
    # shellcheck disable=SC2046
    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
    for _ in $(seq 1 60); do pg_isready -q && break; sleep 1; done
fi
pg_isready -q || { echo "PostgreSQL did not come up" >&2; exit 1; }
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "Redis is not answering; starting it"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

# --- secrets and settings (generated once) -----------------------------------------------------------------------
ENV_FILE=$STACK/stack.env
if [[ ! -f "$ENV_FILE" ]]; then
    say "generating $ENV_FILE"
    (
        umask 077
        "$PY" - "$ENV_FILE" "$STACK" "$PORT" "$DB" <<'PYEOF'
import secrets, sys
from cryptography.fernet import Fernet
path, stack, port, db = sys.argv[1:]
lines = {
    "LINLI_ENV": "production",
    "LINLI_SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port},http://localhost:{port}",
    "LINLI_SECURE_COOKIES": "0",
    "LINLI_STATIC_ROOT": f"{stack}/static",
    "LINLI_MEDIA_ROOT": f"{stack}/media",
    "LINLI_CONN_MAX_AGE": "600",
    "LINLI_CACHE_URL": "redis://127.0.0.1:6379/3",
    "LINLI_TRUST_X_FORWARDED_FOR": "1",
    "LINLI_DATA_KEYS": Fernet.generate_key().decode(),
    "LINLI_HASH_KEY": secrets.token_urlsafe(48),
    "LINLI_LOG_LEVEL": "WARNING",
    "LINLI_STACK_URL": f"http://127.0.0.1:{port}",
    "LINLI_STACK_ADMIN_PASSWORD": secrets.token_urlsafe(18),
}
with open(path, "w") as f:
    f.writelines(f"{k}={v}\n" for k, v in lines.items())
PYEOF
    )
fi
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a

# --- database, static files, a place to report at, the smoke test's account ------------------------------------
if ! psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    say "creating database $DB"
    createdb "$DB"
fi
say "migrate"
"$PY" manage.py migrate --noinput -v 0
say "collectstatic"
(umask 022 && "$PY" manage.py collectstatic --noinput -v 0)
if [[ $("$PY" manage.py shell --no-imports -c "from linli.areas.models import Place; print(Place.objects.exists())") != True ]]; then
    say "seeding the small demo district (places, categories) under LINLI_ENV=demo"
    LINLI_ENV=demo "$PY" manage.py seed_demo --small -v 0
fi
"$PY" manage.py shell --no-imports -c "
import os
from django.contrib.auth import get_user_model
User = get_user_model()
u, _ = User.objects.get_or_create(username='stack-admin', defaults={'is_superuser': True, 'is_staff': True})
u.is_superuser = u.is_staff = u.is_active = True
u.set_password(os.environ['LINLI_STACK_ADMIN_PASSWORD'])
u.save()
"

# --- processes ---------------------------------------------------------------------------------------------------
running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
start() {  # start NAME CMD...: detached, its own process group, pid in run/NAME.pid
    local name=$1; shift
    if running "$STACK/run/$name.pid"; then say "$name already running (pid $(cat "$STACK/run/$name.pid"))"; return; fi
    setsid "$@" >>"$STACK/log/$name.log" 2>&1 </dev/null &
    echo $! >"$STACK/run/$name.pid"
    say "$name started (pid $!)"
}
for i in 0 1; do
    start "app-$((i + 1))" "$GRANIAN" --interface wsgi config.wsgi:application --host 127.0.0.1 \
        --port "${APP_PORTS[$i]}" --workers 1 --blocking-threads 4 --respawn-failed-workers --no-access-log
done
start worker "$PY" manage.py task_worker --queue-name '*'
start outbox "$PY" manage.py outbox_worker

# nginx: the repository's config, rendered, inside a private nginx.conf (prefix var/stack/nginx)
export LINLI_LISTEN="127.0.0.1:$PORT" LINLI_SERVER_NAME="127.0.0.1 localhost" \
    LINLI_APP_1="127.0.0.1:${APP_PORTS[0]}" LINLI_APP_2="127.0.0.1:${APP_PORTS[1]}" \
    LINLI_PROXY_PARAMS="$ROOT/deploy/nginx/proxy.conf"
envsubst '${LINLI_LISTEN} ${LINLI_SERVER_NAME} ${LINLI_APP_1} ${LINLI_APP_2} ${LINLI_STATIC_ROOT} ${LINLI_PROXY_PARAMS}' \
    <deploy/nginx/linli.conf >"$STACK/nginx/linli.conf"
NGINX_USER=""
if [[ $(id -u) == 0 ]]; then
    NGINX_USER="user www-data;"   # workers drop root, as the Debian package runs them
    chown -R www-data "$STACK/nginx/tmp"
fi
cat >"$STACK/nginx/nginx.conf" <<EOF
$NGINX_USER
worker_processes 1;
pid $STACK/run/nginx.pid;
error_log $STACK/log/nginx-error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    log_format linli '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent upstream=\$upstream_addr rt=\$request_time id=\$request_id';
    access_log $STACK/log/nginx-access.log linli;
    client_body_temp_path $STACK/nginx/tmp/body;
    proxy_temp_path $STACK/nginx/tmp/proxy;
    fastcgi_temp_path $STACK/nginx/tmp/fastcgi;
    uwsgi_temp_path $STACK/nginx/tmp/uwsgi;
    scgi_temp_path $STACK/nginx/tmp/scgi;
    include $STACK/nginx/linli.conf;
}
EOF
"$NGINX" -t -q -p "$STACK/nginx" -e "$STACK/log/nginx-error.log" -c "$STACK/nginx/nginx.conf"
if running "$STACK/run/nginx.pid"; then
    "$NGINX" -p "$STACK/nginx" -e "$STACK/log/nginx-error.log" -c "$STACK/nginx/nginx.conf" -s reload
    say "nginx reloaded"
else
    "$NGINX" -p "$STACK/nginx" -e "$STACK/log/nginx-error.log" -c "$STACK/nginx/nginx.conf"
    say "nginx started (pid $(cat "$STACK/run/nginx.pid"))"
fi

# --- ready? ------------------------------------------------------------------------------------------------------
for port in "${APP_PORTS[@]}" "$PORT"; do
    for _ in $(seq 1 120); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
        sleep 0.5
    done
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" \
        || { echo "127.0.0.1:$port/healthz does not answer; see $STACK/log/" >&2; exit 1; }
done
say "up: http://127.0.0.1:$PORT/ (stack-admin, password in $ENV_FILE); make stack-smoke; make stack-down"
