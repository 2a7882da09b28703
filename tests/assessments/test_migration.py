"""Migration 0003 (one result per quarter) on data stored before it: where a manager has several
results of one quarter, the latest stays their result and the others are superseded, not deleted."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0002_assessment_known_to_hr_assessment_team_and_more")]
AFTER = [("assessments", "0004_one_result_per_manager_and_quarter")]
UTC = datetime.UTC


@pytest.mark.django_db(transaction=True)
def test_the_latest_result_of_a_quarter_stays_and_the_earlier_ones_are_superseded():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        tokyo = old.get_model("orgs", "Organisation").objects.create(name="Old", slug="old", timezone="Asia/Tokyo")
        user = old.get_model("accounts", "User").objects.create(email="old@old.test", password="!")
        manager = old.get_model("orgs", "Membership").objects.create(user=user, organisation=tokyo, role="manager")
        questionnaire = old.get_model("assessments", "Questionnaire").objects.create(slug="q", title="Q")
        version = old.get_model("assessments", "QuestionnaireVersion").objects.create(
            questionnaire=questionnaire, number=1, definition={}
        )
        Assessment = old.get_model("assessments", "Assessment")

        def result(period: str, day: datetime.datetime, **fields):
            return Assessment.objects.create(
                manager=manager, version=version, status="submitted", period=period, submitted_at=day, **fields
            ).pk

        first = result("2026-Q4", datetime.datetime(2026, 10, 5, tzinfo=UTC), shared_with_hr=True, known_to_hr=True)
        latest = result("2026-Q4", datetime.datetime(2026, 11, 20, tzinfo=UTC))
        middle = result("2026-Q4", datetime.datetime(2026, 10, 25, tzinfo=UTC))
        alone = result("2026-Q3", datetime.datetime(2026, 8, 1, tzinfo=UTC))
        draft = Assessment.objects.create(manager=manager, version=version).pk

        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("assessments", "Assessment")
        status = dict(new.objects.values_list("pk", "status"))
        assert status == {
            first: "superseded",
            middle: "superseded",
            latest: "submitted",
            alone: "submitted",
            draft: "draft",
        }
        # Nothing else about the superseded ones changes: a share HR saw stays known.
        kept = new.objects.get(pk=first)
        assert kept.shared_with_hr and kept.known_to_hr
        # Each result closes with its quarter in its organisation's time zone (midnight in Tokyo).
        closes = dict(new.objects.filter(status="submitted").values_list("pk", "closes_at"))
        assert closes[latest] == datetime.datetime(2026, 12, 31, 15, tzinfo=UTC)
        assert closes[alone] == datetime.datetime(2026, 9, 30, 15, tzinfo=UTC)
        assert new.objects.get(pk=draft).closes_at is None
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
