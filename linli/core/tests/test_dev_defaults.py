"""Development defaults stay on this machine (issue #11 item 11): runserver refuses the network in development mode
unless opted in, and system checks flag the defaults wherever they do not belong."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError

from linli.core.devserver.guard import check_bind, is_loopback

DEV_IDS = {"linli.W001", "linli.W002", "linli.W003", "linli.W004"}


@pytest.fixture
def dev_defaults(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = "insecure-development-key-change-me"
    settings.LINLI_DATA_KEYS = []
    settings.LINLI_HASH_KEY = ""
    settings.LINLI_ALLOW_DEV_ON_NETWORK = False
    return settings


def ids(deploy=False):
    return {m.id for m in run_checks(include_deployment_checks=deploy) if m.id and m.id.startswith("linli.")}


def test_checks_flag_development_defaults_outside_development(dev_defaults):
    dev_defaults.LINLI_ENV = "staging"  # anything but development/test/production gets the development overlay
    assert ids() >= DEV_IDS
    dev_defaults.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    dev_defaults.RATELIMIT_ENABLE = True
    assert "linli.W005" in ids()


def test_check_deploy_flags_them_in_development_too(dev_defaults):
    dev_defaults.LINLI_ENV = "development"
    assert not ids() & DEV_IDS  # a developer's ordinary start-up stays quiet
    assert ids(deploy=True) >= DEV_IDS


def test_a_production_configuration_is_not_flagged(settings):
    settings.LINLI_ENV = "production"
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 20 + "a-real-random-secret-of-fifty-chars-xyz"
    settings.LINLI_DATA_KEYS = ["x"]
    settings.LINLI_HASH_KEY = "y" * 64
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/1"}
    }
    assert not ids(deploy=True)


@pytest.mark.parametrize("addr", ["0.0.0.0:8765", "0:8765", "[::]:8765", "192.0.2.10:8765", "example.org:8765"])
def test_runserver_refuses_the_network_in_development_mode(dev_defaults, addr):
    dev_defaults.LINLI_ENV = "development"
    with pytest.raises(CommandError, match="LINLI_ALLOW_DEV_ON_NETWORK"):
        call_command("runserver", addr, use_reloader=False, skip_checks=True)


def test_the_guard_lets_loopback_through_and_warns_on_opt_in(dev_defaults):
    dev_defaults.LINLI_ENV = "development"
    for addr in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        assert is_loopback(addr) and check_bind(addr) is None
    dev_defaults.LINLI_ALLOW_DEV_ON_NETWORK = True
    assert "DEVELOPMENT mode" in check_bind("0.0.0.0")
    dev_defaults.LINLI_ENV = "production"
    dev_defaults.LINLI_ALLOW_DEV_ON_NETWORK = False
    assert check_bind("0.0.0.0") is None  # production settings are not the development defaults


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(addr: str, **extra_env) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINLI_", "DATABASE_URL", "PYTEST"))}
    env.update({"DATABASE_URL": "sqlite://:memory:", **extra_env})  # LINLI_ENV unset: development mode
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"{addr}:{port}", "--noreload", "--skip-checks"],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, port


def _answers(port: int, proc: subprocess.Popen, timeout=90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.3)
    return False


def test_real_runserver_loopback_serves_network_refuses_opt_in_warns():
    loopback, lport = _serve("127.0.0.1")
    refused, _ = _serve("0.0.0.0")
    opted, oport = _serve("0.0.0.0", LINLI_ALLOW_DEV_ON_NETWORK="1")
    try:
        assert _answers(lport, loopback), loopback.stderr.read() if loopback.poll() is not None else "no answer"
        assert refused.wait(timeout=90) != 0
        assert "LINLI_ALLOW_DEV_ON_NETWORK" in refused.stderr.read()
        assert _answers(oport, opted)
    finally:
        for proc in (loopback, refused, opted):
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
    assert "DEVELOPMENT mode" in opted.stderr.read()
