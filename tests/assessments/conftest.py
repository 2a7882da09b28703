import pytest
from django.db import transaction

from emassess.assessments.questionnaire import (
    build_definition,
    framework_snapshot,
    questionnaire_publish,
    read_questionnaire,
)
from emassess.framework.loading import load_framework, read_content


@pytest.fixture(scope="session")
def definition(django_db_setup, django_db_blocker) -> dict:
    """The real questionnaire definition, built once: the framework is loaded in a transaction
    that is rolled back, so no test sees its rows unless it asks for them."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_framework(read_content())
        built = build_definition(read_questionnaire(), framework_snapshot())
        transaction.set_rollback(True)
    return built


@pytest.fixture
def version(framework):
    """The questionnaire published as `make run` publishes it."""
    published, _ = questionnaire_publish(definition=build_definition(read_questionnaire(), framework_snapshot()))
    return published
