"""Fixtures for running an organisation: Acme's admin logged in and Globex's own admin (the open
invitation at Acme is in tests/conftest.py)."""

from __future__ import annotations

import re

import pytest

from emassess.orgs.models import Membership
from tests import factories

SITE_URL = "https://emassess.example.com"
LINK = re.compile(re.escape(SITE_URL) + r"/invitations/(?P<token>[^/\s\"<]+)/")


@pytest.fixture(autouse=True)
def _site_url(settings):
    # Not the development default, so a link built from anything but SITE_URL shows up.
    settings.SITE_URL = SITE_URL


@pytest.fixture
def adam_client(client, cast):
    """The test client, logged in as Adam, Acme's org admin."""
    client.force_login(cast.adam.user)
    return client


@pytest.fixture
def globex_admin(cast) -> Membership:
    return factories.MembershipFactory(
        user__email="gwen@globex.test", organisation=cast.globex, role=Membership.Role.ORG_ADMIN
    )


def token_in(text: str) -> str:
    """The invitation token of the absolute link in an email's text."""
    match = LINK.search(text)
    assert match, f"no {SITE_URL}/invitations/… link in:\n{text}"
    return match["token"]
