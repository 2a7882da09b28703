"""Locust users for bench/load.py and bench/faults.py (not run by hand: those scripts write the plan
and start `locust -f bench/locustfile.py --headless` with EMASSESS_LOAD_PLAN pointing at it).

- Manager: logs in, starts (or continues) a self-assessment, walks the seven steps posting valid
  answers, submits, reads the result; again and again, with a short think time between pages.
- HR: logs in, opens the organisation overview, a team page and the CSV export (of an organisation
  of its own whose size the request names say, when bench/load.py seeded one).
- Baseline: a report user on the trivial logged-in page (/report/), the figure everything is compared with.

Request names start with the role ("manager: ", "hr: ", "baseline: ", and "login: " for everyone's
login). Every request carries a number of its own in an X-Bench-Request header, which the gunicorn
hooks log too (bench/gunicorn_hooks.py), so that a request's time splits into before, in and after
the worker. Every request is appended to the plan's `request_log` (start time, name, milliseconds,
error, its number),
from which bench/load.py computes its figures (exact percentiles, the login burst at the start set
apart) and bench/faults.py sees when requests failed; every final submit answered with the redirect to
its result is appended to the plan's `submitted_log` (one public id a line), to be checked against the
database. Only the standard library and locust are imported here.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, events, task

# All the users share this one process: a full garbage collection over everything locust and
# gevent loaded (30 ms or more on a busy machine) would hold every user's clock running while it
# reads no answer. What is loaded by now lives as long as the run: out of the collector's sight.
gc.collect()
gc.freeze()

PLAN: dict[str, Any] = json.loads(Path(os.environ["EMASSESS_LOAD_PLAN"]).read_text())
THINK: tuple[float, float] = tuple(PLAN["think_seconds"])  # between two pages of the questionnaire
STEP_URL = re.compile(r"/assessments/(?P<id>[0-9a-f-]{36})/step/(?P<step>\d+)/$")
RESULT_URL = re.compile(r"/assessments/(?P<id>[0-9a-f-]{36})/$")

# Each simulated manager takes the next login; locust runs every user in one process (gevent).
_manager_logins = iter(PLAN["managers"])
_hr_logins = iter(PLAN["hr"])


# Line-buffered: every line is on disk as soon as it is written (all users share one process).
_request_log = open(PLAN["request_log"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - open for the run
_submitted_log = open(PLAN["submitted_log"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115


REQUEST_HEADER = "X-Bench-Request"
_request_numbers = itertools.count(1)


def redirect_of(response: Any) -> str:
    """Where an answer redirects to; "" for none, and for a request that got no answer at all
    (FastHttpUser's stand-in response for a refused or broken connection has no headers)."""
    return (response.headers or {}).get("Location", "")


@events.request.add_listener
def _log_request(name: str, response_time: float, exception: Exception | None,
                 context: dict[str, Any] | None = None, start_time: float | None = None, **_: Any) -> None:  # fmt: skip
    # When the request was sent, as locust noted it (the event itself fires only once a
    # catch_response block has ended).
    started = start_time if start_time is not None else time.time() - response_time / 1000
    error = "" if exception is None else " ".join(str(exception).split())[:200]
    number = (context or {}).get(REQUEST_HEADER, "")
    _request_log.write(f"{started:.4f}\t{name}\t{response_time:.2f}\t{error}\t{number}\n")


HR_LABEL = PLAN.get("hr_label", "hr")  # says the size of the HR users' organisation


class LoggedInUser(FastHttpUser):
    """geventhttpclient's client (FastHttpUser), not requests': the load generator shares the two
    cores with the server it measures, and this one needs several times less CPU per request."""

    abstract = True
    email = ""
    logged_in = False

    def on_start(self) -> None:
        """The app runs with production settings (HTTPS only, Secure cookies). The users come as
        through a TLS-terminating proxy on 127.0.0.1: they say X-Forwarded-Proto: https and the origin
        a browser on https:// would send (Django's CSRF check compares it), and send their cookies
        back over plain HTTP, which the cookie jar would not do for a Secure cookie (without this, every
        login POST is refused for its missing CSRF cookie: bench.faults saw it)."""
        proxied = {"X-Forwarded-Proto": "https", "Origin": self.host.replace("http://", "https://")}
        send = self.client.request

        def request(*args: Any, **kwargs: Any) -> Any:
            for cookie in self.client.cookiejar:
                cookie.secure = False
            number = str(next(_request_numbers))
            kwargs["headers"] = {**proxied, **kwargs.get("headers", {}), REQUEST_HEADER: number}
            kwargs["context"] = {REQUEST_HEADER: number}  # for _log_request
            return send(*args, **kwargs)

        self.client.request = request  # type: ignore[method-assign]

    def csrf(self) -> str:
        # The CSRF cookie is HttpOnly (no script reads it), but it is in the client's cookie jar,
        # and Django accepts the unmasked cookie value as the form's token.
        return next((cookie.value or "" for cookie in self.client.cookiejar if cookie.name == "csrftoken"), "")

    def log_in(self) -> bool:
        """GET the login page for the CSRF cookie, POST the credentials; True once logged in."""
        with self.client.get("/accounts/login/", name="login: login page", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"login page answered {page.status_code}")
                return False
        data = {"username": self.email, "password": PLAN["password"], "csrfmiddlewaretoken": self.csrf()}
        with self.client.post(
            "/accounts/login/", data=data, name="login: log in", allow_redirects=False, catch_response=True
        ) as response:
            location = redirect_of(response)
            self.logged_in = response.status_code == 302 and "/accounts/login/" not in location
            if not self.logged_in:
                response.failure(f"log in answered {response.status_code} {location}")
        return self.logged_in

    def get_page(self, url: str, name: str) -> bool:
        """A page that must answer 200; a redirect to the login page means the session is gone."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code == 200:
                return True
            if "/accounts/login/" in redirect_of(response):
                self.logged_in = False
            response.failure(f"answered {response.status_code}")
            return False


class Manager(LoggedInUser):
    fixed_count = len(PLAN["managers"])
    wait_time = between(*PLAN["manager_wait_seconds"])

    def on_start(self) -> None:
        super().on_start()
        self.email = next(_manager_logins)
        self.answer_set: list[dict[str, str]] = random.choice(PLAN["answer_sets"])  # one dict per step

    @task
    def take_assessment(self) -> None:
        """One assessment from start (or from where an interrupted one stopped) to its result.
        Any failed request ends the round; the next round continues the same draft."""
        if not self.logged_in and not self.log_in():
            return
        if not self.get_page("/manager/", "manager: home"):
            return
        with self.client.post(
            "/assessments/start/",
            data={"csrfmiddlewaretoken": self.csrf()},
            name="manager: start assessment",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = redirect_of(response)
            match, done = STEP_URL.search(location), RESULT_URL.search(location)
            if response.status_code != 302 or (match is None and done is None):
                response.failure(f"start answered {response.status_code}")
                return
        if match is None and done is not None:
            # Done this cycle (one assessment per cycle): change the answers instead, and resubmit.
            with self.client.post(
                f"/assessments/{done['id']}/reopen/",
                data={"action": "reopen", "csrfmiddlewaretoken": self.csrf()},
                name="manager: reopen",
                allow_redirects=False,
                catch_response=True,
            ) as reopened:
                match = STEP_URL.search(redirect_of(reopened))
                if reopened.status_code != 302 or match is None:
                    reopened.failure(f"reopen answered {reopened.status_code}")
                    return
        public_id, step = match["id"], int(match["step"])
        steps = len(self.answer_set)
        while step <= steps:  # at most seven pages
            step_url = f"/assessments/{public_id}/step/{step}/"
            if not self.get_page(step_url, "manager: step page"):
                return
            time.sleep(random.uniform(*THINK))  # gevent's sleep: locust patches time.sleep
            final = step == steps
            data = {**self.answer_set[step - 1], "action": "next", "csrfmiddlewaretoken": self.csrf()}
            name = "manager: final submit" if final else "manager: save step"
            with self.client.post(step_url, data=data, name=name, allow_redirects=False, catch_response=True) as posted:
                location = redirect_of(posted)
                expected = RESULT_URL if final else STEP_URL
                if posted.status_code != 302 or not expected.search(location):
                    posted.failure(f"answered {posted.status_code} {location}")
                    return
            if final:
                _submitted_log.write(public_id + "\n")
            step += 1
        self.get_page(f"/assessments/{public_id}/", "manager: result")


class HR(LoggedInUser):
    fixed_count = len(PLAN["hr"])
    wait_time = between(*PLAN["hr_wait_seconds"])

    def on_start(self) -> None:
        super().on_start()
        self.email = next(_hr_logins)

    @task(3)
    def overview(self) -> None:
        if self.logged_in or self.log_in():
            self.get_page("/organisation/", f"{HR_LABEL}: organisation overview")

    @task(2)
    def team(self) -> None:
        if self.logged_in or self.log_in():
            self.get_page(f"/organisation/teams/{random.choice(PLAN['teams'])}/", f"{HR_LABEL}: team page")

    @task(1)
    def export(self) -> None:
        if self.logged_in or self.log_in():
            self.get_page("/organisation/export.csv", f"{HR_LABEL}: CSV export of the overview")


class Baseline(LoggedInUser):
    fixed_count = PLAN["baseline_users"]
    wait_time = between(*PLAN["manager_wait_seconds"])

    def on_start(self) -> None:
        super().on_start()
        self.email = PLAN["report"]  # the baseline users share one report login

    @task
    def trivial_page(self) -> None:
        if self.logged_in or self.log_in():
            self.get_page("/report/", "baseline: trivial logged-in page (/report/)")
