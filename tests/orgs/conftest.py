"""Fixtures for running an organisation: an open invitation at Acme and Globex's own admin."""

from __future__ import annotations

import datetime
import re

import pytest

from emassess.orgs import services
from emassess.orgs.models import Invitation, Membership
from tests import factories

SITE_URL = "https://emassess.example.com"
LINK = re.compile(re.escape(SITE_URL) + r"/invitations/(?P<token>[^/\s\"<]+)/")


@pytest.fixture(autouse=True)
def _site_url(settings):
    # Not the development default, so a link built from anything but SITE_URL shows up.
    settings.SITE_URL = SITE_URL


@pytest.fixture
def invitation(cast) -> Invitation:
    """Adam has invited Nina to join Acme as a TLM in Alice's team (its email not sent: no commit)."""
    return services.invitation_create(
        organisation=cast.acme,
        invited_by=cast.adam.user,
        email="Nina@Acme.test",
        full_name="Nina New",
        role=Membership.Role.MANAGER,
        team=cast.alice.team,
        manager_role=Membership.ManagerRole.TLM,
        manager_role_started_on=datetime.date(2025, 6, 1),
    )


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
