"""The private pieces a fault run starts and breaks on this machine — never the shared ones.

* ``PrivatePostgres``: a throwaway cluster made with ``initdb`` under /tmp on a free port (the machine's server on
  5432 serves other people: it is never stopped or restarted here);
* ``PrivateRedis``: ``redis-server`` on a free port (never the one on 6379);
* ``Proc``: a process in its own session (``setsid``), so ``kill9`` takes it and its children (granian's worker);
* ``Nginx``: the repository's ``deploy/nginx/linli.conf`` rendered in front of the two app processes, like
  ``deploy/stack/up.sh`` does, in the foreground (``daemon off``) so it is one of our processes.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own: ``initdb`` (trust, loopback), started, stopped and restarted with pg_ctl."""

    def __init__(self, base: Path, name: str = "pg"):
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin)")
        self.base = base
        self.dir = base / name
        self.sock = base / f"{name}-sock"
        self.log = base / f"{name}.log"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, check=True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_postgres, *args], check=check, capture_output=True, text=True)

    def _dirs(self) -> None:
        for d in (self.dir, self.sock):
            d.mkdir(parents=True)
        if self.as_postgres:
            for p in (self.base, self.dir, self.sock):
                shutil.chown(p, "postgres")

    def _configure(self) -> None:
        with open(self.dir / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.sock}'\n"
                "shared_buffers = 64MB\nmax_connections = 60\nfsync = on\n"
            )

    def init(self) -> None:
        self._dirs()
        self._run(str(self.bin / "initdb"), "-D", str(self.dir), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._configure()

    def init_replica_of(self, primary: PrivatePostgres) -> None:
        """A streaming replica of ``primary``: pg_basebackup -R (standby.signal, primary_conninfo), own port."""
        self._dirs()
        self.dir.chmod(0o700)
        self._run(
            str(self.bin / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(self.dir), "-R", "-X", "stream"),
            "--checkpoint=fast",
        )
        self._configure()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def start(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def ready(self) -> bool:
        return (
            subprocess.run(
                [str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)], check=False
            ).returncode
            == 0
        )

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.sock, ignore_errors=True)


class PrivateRedis:
    def __init__(self, base: Path):
        self.port = free_port()
        self.log = base / "redis.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=open(self.log, "a"),  # noqa: SIM115 - the child keeps it
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_port(self.port, 10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Proc:
    """One of our processes, in its own session (its pid is its process group)."""

    def __init__(self, name: str, cmd: list[str], env: dict, logdir: Path):
        self.name, self.cmd, self.env, self.log = name, cmd, env, logdir / f"{name}.log"
        self.p: subprocess.Popen | None = None

    def start(self) -> Proc:
        self.p = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "a"),  # noqa: SIM115 - the child keeps it
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def alive(self) -> bool:
        return self.p is not None and self.p.poll() is None

    def kill9(self) -> None:
        if self.alive():
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


def granian(name: str, port: int, env: dict, logdir: Path) -> Proc:
    return Proc(
        name,
        [
            str(ROOT / ".venv/bin/granian"),
            "--interface",
            "wsgi",
            "config.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--blocking-threads",
            "4",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env,
        logdir,
    )


def nginx(port: int, apps: list[int], static: Path, base: Path) -> Proc:
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(exe).exists():
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    conf_dir = base / "nginx"
    (conf_dir / "tmp").mkdir(parents=True, exist_ok=True)
    text = (ROOT / "deploy/nginx/linli.conf").read_text()
    for name, value in {
        "LINLI_LISTEN": f"127.0.0.1:{port}",
        "LINLI_SERVER_NAME": "127.0.0.1 localhost",
        "LINLI_APP_1": f"127.0.0.1:{apps[0]}",
        "LINLI_APP_2": f"127.0.0.1:{apps[1]}",
        "LINLI_STATIC_ROOT": str(static),
        "LINLI_PROXY_PARAMS": str(ROOT / "deploy/nginx/proxy.conf"),
    }.items():
        text = text.replace("${" + name + "}", value)
    (conf_dir / "linli.conf").write_text(text)
    user = ""
    if os.geteuid() == 0:
        user = "user www-data;"
        shutil.chown(conf_dir / "tmp", "www-data")
    tmp = conf_dir / "tmp"
    (conf_dir / "nginx.conf").write_text(
        f"""{user}
daemon off;
worker_processes 1;
pid {conf_dir}/nginx.pid;
error_log {base}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {base}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {conf_dir}/linli.conf;
}}
"""
    )
    return Proc(
        "nginx",
        [exe, "-p", str(conf_dir), "-e", f"{base}/nginx-error.log", "-c", str(conf_dir / "nginx.conf")],
        dict(os.environ),
        base,
    )
