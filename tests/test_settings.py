"""Production settings: unset means production, a missing secret stops start-up; with one,
`check --deploy` is clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "EMAIL_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_without_a_secret_key_fails_at_start_up():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="emassess.example.com",
        SITE_URL="https://emassess.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_unset_debug_means_production_and_fails_closed_without_a_secret():
    result = manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr
    assert "set DJANGO_DEBUG=1" in result.stderr


def test_unset_debug_with_a_secret_runs_without_debug():
    result = manage("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)",
                    DJANGO_SECRET_KEY=secrets.token_urlsafe(50))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_defaults_need_only_debug_said_explicitly():
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_the_session_idle_time_is_configurable():
    show = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    assert manage("shell", "--no-imports", "-c", show, DJANGO_DEBUG="1").stdout.split() == [str(8 * 3600)]
    configured = manage("shell", "--no-imports", "-c", show, DJANGO_DEBUG="1", DJANGO_SESSION_IDLE_SECONDS="900")
    assert configured.stdout.split() == ["900"]


def test_filemail_writes_to_the_absolute_folder_readme_shows(tmp_path):
    outbox = tmp_path / "outbox"
    send = (
        "from django.conf import settings; from django.core.mail import send_mail; "
        "print(settings.EMAIL_FILE_PATH); send_mail('Hello', 'Body', None, ['someone@example.test'])"
    )
    result = manage("shell", "--no-imports", "-c", send, DJANGO_DEBUG="1", EMAIL_URL=f"filemail://{outbox}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(outbox)
    (written,) = outbox.iterdir()
    assert "Subject: Hello" in written.read_text()


def test_make_run_on_another_port_makes_the_links_point_there():
    # PY stands in for the venv's python: each step of `make run` prints the SITE_URL it would get.
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    result = subprocess.run(
        ["make", "-s", "run", "PORT=8102", "PY=printenv SITE_URL"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.splitlines()[0] == "http://127.0.0.1:8102", result.stdout + result.stderr


def test_a_wsgi_worker_loads_every_view_and_keeps_it_out_of_full_garbage_collections():
    """emassess.wsgi, as gunicorn loads it in each worker: every view module is imported before the
    first request, and what is loaded then is frozen (gc.freeze), so a full collection during a
    request walks only what requests made since."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment |= {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    probe = (
        "import gc, sys; import emassess.wsgi; "
        "print(gc.get_freeze_count(), len(gc.get_objects()), 'emassess.dashboards.views' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    frozen, unfrozen, views_loaded = result.stdout.split()
    assert views_loaded == "True"
    assert int(frozen) > 10 * max(1, int(unfrozen))  # nearly all of it frozen
