"""The error pages and the demo mode: with DEBUG off (``make demo`` runs LINLI_ENV=demo) a 404 or a 500 is the Chinese
error page with a way back, never Django's debug page; static files are still served."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def test_unknown_url_answers_the_chinese_404_with_a_link_home(client, settings):
    settings.DEBUG = False
    resp = client.get("/no-such-page/")
    assert resp.status_code == 404
    body = resp.content.decode()
    assert "该页面不存在" in body and f'href="{reverse("portal:home")}"' in body and "返回工作台" in body
    assert "Traceback" not in body and "SECRET_KEY" not in body and "Page not found" not in body


def test_a_view_that_raises_answers_the_chinese_500(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "linli.core.tests.urls_boom"
    client = Client(raise_request_exception=False)
    resp = client.get("/boom/")
    assert resp.status_code == 500
    body = resp.content.decode()
    assert "系统出错了" in body and f'href="{reverse("portal:home")}"' in body
    assert "RuntimeError" not in body and "Traceback" not in body


def test_demo_settings_run_like_a_product():
    """LINLI_ENV=demo: DEBUG off, loopback hosts only, WhiteNoise on, demo accounts still log in."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "from linli.demo.backends import demo_login_allowed; "
        "print(json.dumps([settings.DEBUG, settings.ALLOWED_HOSTS, settings.MIDDLEWARE, demo_login_allowed()]))"
    )
    env = {**os.environ, "LINLI_ENV": "demo", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("LINLI_DEBUG", None)
    env.pop("ALLOWED_HOSTS", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    debug, hosts, middleware, demo_allowed = json.loads(out.strip().splitlines()[-1])
    assert debug is False
    assert set(hosts) <= {"127.0.0.1", "localhost", "[::1]"}
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in middleware
    assert demo_allowed is True
    recipe = (ROOT / "Makefile").read_text().split("\ndemo:")[1].split("\n\n")[0]
    assert "LINLI_ENV=demo" in recipe and "runserver 127.0.0.1:" in recipe


def test_static_files_are_served_with_debug_off(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = str(tmp_path)
    settings.WHITENOISE_USE_FINDERS = True
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    resp = Client().get("/static/linli/linli.css")
    assert resp.status_code == 200
    assert b".badge" in b"".join(resp.streaming_content)
