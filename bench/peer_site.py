"""The peer's side of bench/peer.py: django-survey-and-report 1.5.0 in a minimal Django project,
run by the peer's own venv (var/bench/peer-venv), never by ours. Not run by hand.

    var/bench/peer-venv/bin/python bench/peer_site.py --database-url URL --spec SPEC.json

It imports only the standard library, Django and the peer. It builds the survey from the spec
bench/peer.py wrote from our questionnaire file (one category per section, each question with
the peer's nearest type) twice, once a page per category (as ours, a page per section) and once
all in one page, then answers timing requests on stdin, one JSON object a line, each answered
with one JSON line on stdout:

- {"op": "response", "survey": "by_category" | "one_page"}: a fresh user (created and logged in
  before the clock starts) answers the whole survey as a browser would, every page GET and POST,
  up to the redirect to the confirmation page; answers {"seconds": ..., "requests": ...}.
- {"op": "page"}: the pre-filled response page of the last one-page respondent (the whole
  survey with their answers); answers {"seconds": ...}.
- {"op": "quit"}.

Settings as ours run with DEBUG off where they matter for a fair race: DEBUG off, database
sessions, the same middleware Django ships (security, sessions, common, CSRF, auth, messages,
clickjacking), ATOMIC_REQUESTS, the same CONN_MAX_AGE and the same database OPTIONS as ours (bench/peer.py
passes them: SQLite's write-ahead log, PostgreSQL's jit=off).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # users are force-logged-in


def database_from_url(url: str, conn_max_age: int, options: dict) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path), "ATOMIC_REQUESTS": True,
                "CONN_MAX_AGE": conn_max_age, "OPTIONS": options}  # fmt: skip
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "ATOMIC_REQUESTS": True,
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def configure(database_url: str, conn_max_age: int, options: dict) -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="peer-benchmark-only-" + "x" * 40,
        ALLOWED_HOSTS=["localhost", "testserver", "127.0.0.1"],
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "survey",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        ROOT_URLCONF=__name__,
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        DATABASES={"default": database_from_url(database_url, conn_max_age, options)},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
        STATIC_URL="static/",
        LOGIN_URL="/login/",
        PASSWORD_HASHERS=PASSWORD_HASHERS,
        CHOICES_SEPARATOR="|",  # our option labels hold commas
        LOGGING={"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}},
    )


urlpatterns: list = []  # ROOT_URLCONF is this module: filled in once Django is set up


def build_surveys(spec: dict) -> dict[str, object]:
    """The same survey twice (a page per category, all in one page) from the spec."""
    from survey.models import Category, Question, Survey

    kinds = {"radio": Question.RADIO, "integer": Question.INTEGER, "text": Question.TEXT}
    surveys = {}
    for key, method in (("by_category", Survey.BY_CATEGORY), ("one_page", Survey.ALL_IN_ONE_PAGE)):
        survey = Survey.objects.create(name=spec["title"], description=spec["intro"], need_logged_user=True,
                                       editable_answers=True, display_method=method)  # fmt: skip
        order = 0
        for position, section in enumerate(spec["sections"]):
            category = Category.objects.create(survey=survey, name=section["title"], order=position,
                                               description=section["intro"][:2000])  # fmt: skip
            for question in section["questions"]:
                order += 1
                Question.objects.create(
                    survey=survey, category=category, order=order, text=question["text"],
                    required=question["required"], type=kinds[question["type"]],
                    choices="|".join(question["choices"]) if question["choices"] else None,
                )  # fmt: skip
        surveys[key] = survey
    return surveys


def posted_pages(survey, spec: dict) -> list[dict[str, str]]:
    """What a browser posts on each page: the spec's answers under the peer's field names."""
    from django.utils.text import slugify

    answers = {}
    questions = list(survey.questions.order_by("order"))
    flat = [question for section in spec["sections"] for question in section["questions"]]
    for model, question in zip(questions, flat, strict=True):
        value = question["answer"]
        if question["choices"]:
            value = slugify(value, allow_unicode=True)  # the peer's radio values are its labels, slugified
        answers[model.pk] = (model.category_id, f"question_{model.pk}", value)
    pages: dict[int, dict[str, str]] = {}
    for category_id, field, value in answers.values():
        pages.setdefault(category_id, {})[field] = value
    if survey.display_method == survey.ALL_IN_ONE_PAGE:
        return [{field: value for page in pages.values() for field, value in page.items()}]
    return [pages[category.pk] for category in survey.non_empty_categories()]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--spec", required=True)
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--database-options", type=json.loads, default={}, help="ours, as JSON")
    args = parser.parse_args()
    configure(args.database_url, args.conn_max_age, args.database_options)
    import django

    django.setup()
    from django.urls import include, path

    urlpatterns.append(path("survey/", include("survey.urls")))
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    spec = json.loads(Path(args.spec).read_text())
    surveys = build_surveys(spec)
    pages = {key: posted_pages(survey, spec) for key, survey in surveys.items()}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    User = get_user_model()
    counter = 0
    last_one_page_client = None

    def respond(key: str) -> dict:
        nonlocal counter, last_one_page_client
        survey = surveys[key]
        counter += 1
        user = User.objects.create(username=f"respondent{counter}")
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        requests = 0
        begun = time.perf_counter()
        for step, data in enumerate(pages[key]):
            if key == "one_page":
                url = reverse("survey-detail", kwargs={"id": survey.pk})
            else:
                url = reverse("survey-detail-step", kwargs={"id": survey.pk, "step": step})
            page = client.get(url)
            posted = client.post(url, data)
            requests += 2
            if page.status_code != 200 or posted.status_code != 302:
                raise RuntimeError(f"{key} step {step}: GET {page.status_code}, POST {posted.status_code}")
        seconds = time.perf_counter() - begun
        if "/confirm/" not in posted["Location"]:
            raise RuntimeError(f"{key}: the last POST went to {posted['Location']}, not the confirmation")
        if key == "one_page":
            last_one_page_client = client
        return {"seconds": seconds, "requests": requests}

    def prefilled_page() -> dict:
        client = last_one_page_client
        if client is None:
            raise RuntimeError("no one-page response yet")
        url = reverse("survey-detail", kwargs={"id": surveys["one_page"].pk})
        begun = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - begun
        if response.status_code != 200:
            raise RuntimeError(f"pre-filled page answered {response.status_code}")
        return {"seconds": seconds}

    print(json.dumps({"ready": True, "questions": sum(len(s["questions"]) for s in spec["sections"])}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        try:
            answer = respond(command["survey"]) if command["op"] == "response" else prefilled_page()
        except Exception as error:  # say what broke, then stop: the orchestrator reports it
            print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)
            return 1
        print(json.dumps(answer), flush=True)
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
