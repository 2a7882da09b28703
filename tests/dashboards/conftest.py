import datetime

import pytest

from emassess.assessments.answer_sets import AnswerProfile, answers_for, as_posted
from emassess.assessments.services import assessment_start, assessment_submit
from emassess.orgs.cycles import parse_quarter
from tests import factories

WEEK = {"hands_on_coding": 10, "technical_leadership": 20, "people_team": 40, "process_delivery": 10,
        "product": 10, "organisation": 10}  # fmt: skip
TODAY = datetime.date(2026, 11, 21)  # in 2026-Q4


@pytest.fixture
def submit(version):
    """submit(manager, "2026-Q3", behaviour={...}, tlm_statements=4): a submitted result in that quarter."""

    def make(manager, quarter: str, day: int = 10, **profile):
        draft = assessment_start(manager=manager)
        draft.answers = as_posted(answers_for(version.definition, AnswerProfile(week=WEEK, **profile)))
        draft.save()
        start = parse_quarter(quarter).start
        moment = datetime.datetime.combine(start + datetime.timedelta(days=day), datetime.time(12), tzinfo=datetime.UTC)
        return assessment_submit(assessment=draft, now=moment)

    return make


@pytest.fixture
def managers_in(db):
    """managers_in(team, 3): that many new managers in the team, their role begun in 2025."""

    def make(team, count: int, **kwargs):
        return [factories.ManagerFactory(organisation=team.organisation, team=team, **kwargs) for _ in range(count)]

    return make
