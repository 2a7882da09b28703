"""The demo's upward feedback: some reports answered the survey about their manager in the last two
closed quarters, so a manager's team view and a report's past answers show on first login."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from emassess.demo.history import quarter_start
from emassess.feedback.models import Response
from emassess.feedback.services import response_submit
from emassess.feedback.survey import DONT_KNOW, SCALE_MAX, current_survey
from emassess.orgs.models import Membership

# Manager -> how much of each trap their reports see (0..4), and how many of them answer: Tomás's
# three all answer and see him as out of reach far more than he does (a blind spot); four of Emma's
# six answer and see much less of a Bottleneck than she does (a hidden strength); two of Priya's
# four answer, too few, so her team view stays hidden.
DEMO_TEAM_VIEWS: dict[str, tuple[dict[str, int], int]] = {
    "tlm@acme.test": ({"bottleneck-manager": 3, "out-of-reach-manager": 3}, 3),
    "em@acme.test": ({"out-of-reach-manager": 3, "weekend-warrior": 2}, 4),
    "priya@acme.test": ({"lgtm-machine": 2}, 2),
}
QUARTERS_BACK = (1, 2)


@transaction.atomic
def load_demo_feedback(*, today: datetime.date) -> int:
    """Answer the survey for the demo's reports, once: a report with any response is left alone.
    Returns how many responses were created."""
    survey = current_survey()
    if survey is None:
        return 0
    created = 0
    for email, (levels, answering) in DEMO_TEAM_VIEWS.items():
        manager = Membership.objects.filter(user__email=email).first()
        if manager is None:
            continue
        reports = manager.direct_reports.select_related("organisation", "reports_to__user").order_by("user__email")
        for report in list(reports)[:answering]:
            if Response.objects.filter(report=report).exists():
                continue
            noise = random.Random(report.user.email)
            for quarters_back in QUARTERS_BACK:
                moment = datetime.datetime.combine(
                    quarter_start(today, quarters_back) + datetime.timedelta(days=50), datetime.time(11),
                    tzinfo=datetime.UTC,
                )  # fmt: skip
                answers: dict[str, int | str] = {}
                for item in survey.items:
                    if noise.random() < 0.1:
                        answers[item["id"]] = DONT_KNOW
                        continue
                    level = min(SCALE_MAX, max(0, levels.get(item["construct"], 1) + noise.choice((-1, 0, 0, 1))))
                    answers[item["id"]] = SCALE_MAX - level if item.get("reverse") else level
                response_submit(report=report, answers=answers, now=moment)
                created += 1
    return created
