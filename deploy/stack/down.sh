#!/usr/bin/env bash
# Stop the production-like stack that deploy/stack/up.sh started (`make stack-down`): nginx, both app processes, the
# task worker and the outbox worker, each by the pid up.sh recorded (their process groups). PostgreSQL and Redis keep
# running (they are the machine's services). LINLI_STACK_DROP=1 also drops the database linli_stack and var/stack/.
set -euo pipefail
cd "$(dirname "$0")/../.."
STACK=${LINLI_STACK_DIR:-$PWD/var/stack}
DB=${LINLI_STACK_DB:-linli_stack}
say() { printf '[stack] %s\n' "$*"; }

if [[ -f "$STACK/run/nginx.pid" ]] && kill -0 "$(cat "$STACK/run/nginx.pid")" 2>/dev/null; then
    nginx -p "$STACK/nginx" -e "$STACK/log/nginx-error.log" -c "$STACK/nginx/nginx.conf" -s quit
    for _ in $(seq 1 20); do [[ -f "$STACK/run/nginx.pid" ]] || break; sleep 0.25; done
    say "nginx stopped"
fi
for name in app-1 app-2 worker outbox; do
    pidfile=$STACK/run/$name.pid
    [[ -f "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
        say "$name stopped"
    fi
    rm -f "$pidfile"
done
if [[ ${LINLI_STACK_DROP:-0} == 1 ]]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
    redis-cli -h 127.0.0.1 -p 6379 -n 3 flushdb >/dev/null 2>&1 || true
    rm -rf "$STACK"
    say "database $DB dropped, $STACK removed"
fi
