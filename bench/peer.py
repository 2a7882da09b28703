"""A peer beside us: the same complete response and the response page through emassess and through
django-survey-and-report 1.5.0, on SQLite and on PostgreSQL, interleaved in one run.

    python -m bench.peer [--rounds 40] [--database emassess_bench_peer] [--no-postgres]

The peer is installed from PyPI into a venv of its own, var/bench/peer-venv (created or brought
up to date here: the peer, and the same Django and psycopg versions as ours), and runs there, in
bench/peer_site.py; it never touches our venv. Its survey is built from our questionnaire file
(emassess/assessments/content/questionnaire.toml), generically: one category per section, one
question per question, a radio button list for every question with options (choices, scenarios,
yes/no, the frequency scale), a number for integers and percents, a text area for free text;
whatever sections and questions the file holds. Both answer the same answers (ours, from
emassess.assessments.answer_sets), each round by a fresh respondent, logged in before the clock
starts.

Four processes, each Django's in-process test client with DEBUG off (full middleware, no network):
ours and the peer's, on a fresh SQLite file each and on fresh PostgreSQL databases <database> and
<database>_survey. Every round asks each in turn (the order alternating), so both sides see the same
machine load; the ratios are p50 against p50.

- complete response: ours is the start (POST) and, for each of the seven steps, its page (GET) and
  its answers (POST), up to the redirect to the result: 15 requests, the final one scoring and
  storing the result. The peer's is each page's GET and POST up to the redirect to its
  confirmation: a page per section (as ours, 14 requests) and all in one page (2 requests).
- response page: our result page against the peer's pre-filled response page (the whole survey
  with the respondent's answers).

Takes about 2 minutes (the first run about 30 s more, installing the peer). Writes var/bench/peer.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

from bench.report import OUT_DIR, Figure, percentile_ms, write_figures
from bench.setup import ROOT

PEER = "django-survey-and-report==1.5.0"
PEER_VENV = OUT_DIR / "peer-venv"
WORK = OUT_DIR / "work"
QUESTIONNAIRE = ROOT / "emassess" / "assessments" / "content" / "questionnaire.toml"
GOAL = 0.5  # a complete response through us at most half the peer's time, in every pairing


def peer_python() -> Path:
    """The peer's venv, created (or brought up to date) from PyPI with pip; returns its python."""
    import django
    import psycopg

    wanted = [PEER, f"Django=={django.__version__}", f"psycopg[binary]=={psycopg.__version__}"]
    python = PEER_VENV / "bin" / "python"
    marker = PEER_VENV / ".bench-installed"
    if python.exists() and marker.exists() and marker.read_text().split("\n") == wanted:
        return python
    print(f"installing {', '.join(wanted)} into {PEER_VENV.relative_to(ROOT)}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted],
                   check=True)  # fmt: skip
    marker.write_text("\n".join(wanted))
    return python


def survey_spec(answers: dict[str, str]) -> dict[str, Any]:
    """The peer's survey from our questionnaire file, with our answers in the peer's terms."""
    content = tomllib.loads(QUESTIONNAIRE.read_text())
    default_scale = content.get("scale", {})
    sections = []
    for section in content["sections"]:
        questions = []
        for question in section["questions"]:
            kind, answer = question["kind"], answers.get(question["id"], "")
            choices: list[str] = []
            values: list[str] = []  # our posted value of each choice
            if question.get("options"):
                choices = [option["label"] for option in question["options"]]
                values = [str(option["value"]) for option in question["options"]]
            elif kind == "yes_no":
                choices, values = [question.get("yes_label", "Yes"), question.get("no_label", "No")], ["yes", "no"]
            elif kind == "frequency" or "scale" in question:  # a named scale, or the default one
                scale = content.get("scales", {}).get(question["scale"], {}) if "scale" in question else default_scale
                choices = list(scale.get("labels", []))
                values = [str(level) for level in range(len(choices))]
                if question.get("allow_na"):
                    choices.append(scale.get("not_applicable", default_scale.get("not_applicable", "Does not apply")))
                    values.append("na")
            if choices:
                answer = choices[values.index(answer)] if answer in values else ""
            kind_of_field = "radio" if choices else "integer" if kind in ("integer", "percent") else "text"
            # A question we did not ask (it did not apply) is left unanswered on the peer's side too.
            required = bool(question.get("required", kind != "text")) and answer != ""
            questions.append({
                "id": question["id"], "text": question["text"], "type": kind_of_field, "choices": choices,
                "required": required, "answer": answer,
            })  # fmt: skip
        sections.append({"title": section["title"], "intro": section.get("intro", ""), "questions": questions})
    meta = content.get("meta", {})
    return {"title": meta.get("title", "Survey"), "intro": meta.get("intro", ""), "sections": sections}


class Driver:
    """A child process answering one JSON line for each JSON line it is sent."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        self.name = name
        self.log = WORK / f"peer-{name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=log, text=True)  # fmt: skip
        self.ready = self.read()

    def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} stopped; see {self.log}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{self.name}: {answer['error']}; see {self.log}")
        return answer

    def ask(self, **command: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=30)


def serve_ours(database_url: str) -> int:
    """Our side, in a process of its own (python -m bench.peer --serve-ours URL): the same protocol
    as bench/peer_site.py."""
    protocol, sys.stdout = sys.stdout, sys.stderr  # only protocol lines on stdout
    os.environ["DATABASE_URL"] = database_url
    from bench.setup import analyze, https_client, run_settings, start_django

    start_django()
    from django.db import connection
    from django.urls import reverse

    from emassess.accounts.models import User
    from emassess.assessments.answer_sets import AnswerProfile, answers_for, as_posted
    from emassess.assessments.questionnaire import current_version
    from emassess.orgs.models import Membership, Organisation, Team

    version = current_version()
    organisation = Organisation.objects.create(name="Peer race", slug="peer-race")
    team = Team.objects.create(organisation=organisation, name="Everyone")
    week = {"hands_on_coding": 15, "technical_leadership": 25, "people_team": 30, "process_delivery": 15,
            "product": 10, "organisation": 5}  # fmt: skip
    answers = as_posted(answers_for(version.definition, AnswerProfile(week=week)))
    # A question that does not apply to this respondent (an EM) has no answer, and is not asked.
    pages = [{**{q["id"]: answers[q["id"]] for q in section["questions"] if q["id"] in answers}, "action": "next"}
             for section in version.sections]  # fmt: skip
    analyze()
    counter = 0
    last_result = ""
    client = https_client()

    def respond() -> dict[str, Any]:
        nonlocal counter, last_result
        counter += 1
        user = User.objects.create(email=f"respondent{counter}@peer.test", full_name=f"Respondent {counter}",
                                   password="!")  # fmt: skip
        Membership.objects.create(user=user, organisation=organisation, role="manager", team=team,
                                  manager_role="em")  # fmt: skip
        client.force_login(user)
        begun = time.perf_counter()
        started = client.post(reverse("assessment_start"))
        requests = 1
        location = started["Location"]
        for data in pages:
            page = client.get(location)
            posted = client.post(location, data)
            requests += 2
            if page.status_code != 200 or posted.status_code != 302:
                raise RuntimeError(f"{location}: GET {page.status_code}, POST {posted.status_code}")
            location = posted["Location"]
        seconds = time.perf_counter() - begun
        if "/step/" in location:
            raise RuntimeError(f"the last step went to {location}, not the result")
        last_result = location
        return {"seconds": seconds, "requests": requests}

    def result_page() -> dict[str, Any]:
        begun = time.perf_counter()
        response = client.get(last_result)
        seconds = time.perf_counter() - begun
        if response.status_code != 200:
            raise RuntimeError(f"result page answered {response.status_code}")
        return {"seconds": seconds}

    def say(answer: dict[str, Any]) -> None:
        protocol.write(json.dumps(answer) + "\n")
        protocol.flush()

    say({"ready": True, "answers": answers, "settings": run_settings()})
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        try:
            say(respond() if command["op"] == "response" else result_page())
        except Exception as error:
            say({"error": f"{type(error).__name__}: {error}"})
            return 1
    say({"settings": run_settings()})
    connection.close()
    return 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-ours":
        return serve_ours(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="timed rounds (after 3 untimed)")
    parser.add_argument("--database", default="emassess_bench_peer", help="PostgreSQL base name (dropped, created)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    WORK.mkdir(parents=True, exist_ok=True)
    python = peer_python()
    folder = Path(tempfile.mkdtemp(prefix="emassess-peer-"))
    databases = {"SQLite": (f"sqlite:///{folder}/ours.sqlite3", f"sqlite:///{folder}/peer.sqlite3")}
    if not args.no_postgres:
        from bench.load import fresh_database

        databases["PostgreSQL"] = (fresh_database(args.database), fresh_database(f"{args.database}_survey"))
    env = os.environ.copy()
    env.pop("DATABASE_URL", None)
    drivers: list[Driver] = []
    try:
        ours = {db: Driver(f"ours-{db}", [sys.executable, "-m", "bench.peer", "--serve-ours", urls[0]], env)
                for db, urls in databases.items()}  # fmt: skip
        drivers += ours.values()
        spec_path = WORK / "peer-survey.json"
        spec = survey_spec(next(iter(ours.values())).ready["answers"])
        spec_path.write_text(json.dumps(spec, indent=1))
        script = str(ROOT / "bench" / "peer_site.py")
        # The peer runs with our database OPTIONS: the race is between the two apps, not two setups.
        options = {db: json.dumps(driver.ready["settings"]["database OPTIONS"]) for db, driver in ours.items()}
        peer = {db: Driver(f"peer-{db}", [str(python), script, "--database-url", urls[1], "--spec", str(spec_path),
                                          "--database-options", options[db]],
                           env) for db, urls in databases.items()}  # fmt: skip
        drivers += peer.values()
        questions = sum(len(section["questions"]) for section in spec["sections"])
        print(
            f"the same survey on both sides: {len(spec['sections'])} sections, {questions} questions; "
            f"{args.rounds} rounds on {', '.join(databases)}",
            flush=True,
        )

        samples: dict[tuple[str, str], list[float]] = {}
        requests: dict[tuple[str, str], int] = {}
        warmup = 3
        for round_ in range(warmup + args.rounds):
            for db in databases:
                asks = [
                    ("ours", lambda db=db: ours[db].ask(op="response")),
                    ("peer, a page per section", lambda db=db: peer[db].ask(op="response", survey="by_category")),
                    ("peer, all in one page", lambda db=db: peer[db].ask(op="response", survey="one_page")),
                    ("ours: result page", lambda db=db: ours[db].ask(op="page")),
                    ("peer: pre-filled response page", lambda db=db: peer[db].ask(op="page")),
                ]
                if round_ % 2:  # the peer first every other round (a page needs its response before it)
                    asks = [asks[1], asks[2], asks[0], asks[4], asks[3]]
                for name, ask in asks:
                    answer = ask()
                    if round_ >= warmup:
                        samples.setdefault((db, name), []).append(answer["seconds"])
                        requests[(db, name)] = answer.get("requests", 1)
        settings = {db: driver.ask(op="quit")["settings"] for db, driver in ours.items()}
    finally:
        for driver in drivers:
            driver.close()

    def p50(db: str, name: str) -> float:
        return percentile_ms(samples[(db, name)], 0.5)

    figures: list[Figure] = []
    verdicts = []
    by_category, one_page = "peer, a page per section", "peer, all in one page"
    for db in databases:

        def row(title: str, name: str, baseline: str = "", against: str = "", *, db: str = db) -> Figure:
            times = samples[(db, name)]
            ratio = p50(db, name) / p50(db, against) if against else None
            return Figure(f"peer: {db}: {title}", f"{len(times)} rounds, {requests[(db, name)]} requests each",
                          baseline, ratio, p50(db, name), percentile_ms(times, 0.99), 0, len(times))  # fmt: skip

        figures += [
            row("django-survey-and-report, complete response, a page per section", "peer, a page per section"),
            row("django-survey-and-report, complete response, all in one page", "peer, all in one page"),
            row("emassess complete response (scored) / the peer's, a page per section", "ours",
                f"peer a page per section p50 {p50(db, by_category):.1f} ms", by_category),
            row("emassess complete response (scored) / the peer's, all in one page", "ours",
                f"peer all in one page p50 {p50(db, one_page):.1f} ms", one_page),
            row("django-survey-and-report, pre-filled response page", "peer: pre-filled response page"),
            row("emassess result page / the peer's pre-filled response page", "ours: result page",
                f"peer pre-filled page p50 {p50(db, 'peer: pre-filled response page'):.1f} ms",
                "peer: pre-filled response page"),
        ]  # fmt: skip
        for against in ("peer, a page per section", "peer, all in one page"):
            verdicts.append((db, against, p50(db, "ours") / p50(db, against)))
    met = all(ratio <= GOAL for *_, ratio in verdicts)
    notes = [
        f"peer: {PEER} in {PEER_VENV.relative_to(ROOT)}, the survey built from {QUESTIONNAIRE.relative_to(ROOT)} "
        f"({len(spec['sections'])} sections, {questions} questions); both sides DEBUG off, in-process test client, "
        f"ATOMIC_REQUESTS, the same CONN_MAX_AGE and database OPTIONS",
        f"goal: our complete response at most {GOAL}x the peer's in every pairing: "
        + ("met" if met else "NOT met") + " ("
        + ", ".join(f"{db} {against.removeprefix('peer, ')} {ratio:.2f}" for db, against, ratio in verdicts) + ")",
        f"orchestrator load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after",
    ]  # fmt: skip
    first_settings = next(iter(settings.values()))
    first_settings = first_settings | {
        "database": " and ".join(s["database"] for s in settings.values()),
        "database OPTIONS": " and ".join(f"{db} {s['database OPTIONS']}" for db, s in settings.items()),
    }
    write_figures("peer", figures, notes=notes, settings=first_settings)
    from bench.report import format_table

    print(format_table(figures))
    print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
