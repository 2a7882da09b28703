"""The demo organisations that `make run` loads: Acme and Globex, with people in every role.

Only the demo path calls this (never a migration), and it is idempotent: people, teams and
organisations are found by their natural keys, and anything already there is left as it is.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db import transaction

from emassess.accounts.models import User
from emassess.orgs.models import Membership, Organisation, Team

DEMO_PASSWORD = "emassess-demo"

Role = Membership.Role
EM, TLM = Membership.ManagerRole.EM, Membership.ManagerRole.TLM


@dataclass(frozen=True)
class DemoManager:
    email: str
    name: str
    team: str
    manager_role: str
    months_in_role: int
    reports: tuple[str, ...]


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    slug: str
    timezone: str
    teams: dict[str, str]  # name -> kind
    staff: tuple[tuple[str, str, str], ...]  # (email, name, role) for HR and org admins
    managers: tuple[DemoManager, ...]


DEMO_ORGANISATIONS = (
    DemoOrganisation(
        name="Acme",
        slug="acme",
        timezone="Europe/London",
        teams={
            "Platform Infrastructure": Team.Kind.INFRASTRUCTURE,
            "Checkout": Team.Kind.PRODUCT,
            "Data Platform": Team.Kind.DATA,
            "Mobile": Team.Kind.PRODUCT,
        },
        staff=(
            ("hr@acme.test", "Hana Reyes", Role.HR),
            ("admin@acme.test", "Adam Osei", Role.ORG_ADMIN),
        ),
        managers=(
            DemoManager(
                "tlm@acme.test",
                "Tomás Lindqvist",
                "Platform Infrastructure",
                TLM,
                13,
                ("Ines Duarte", "Oskar Berg", "Wen Li"),
            ),
            DemoManager(
                "em@acme.test",
                "Emma Moreau",
                "Checkout",
                EM,
                30,
                ("Sam Patel", "Julia Novak", "Kwame Mensah", "Lucia Romero", "Ben Carter", "Aiko Tanaka"),
            ),
            DemoManager(
                "priya@acme.test",
                "Priya Nair",
                "Data Platform",
                EM,
                5,
                ("Daniel Weiss", "Fatima Zahra", "Leo Rossi", "Mia Jensen"),
            ),
            DemoManager("marco@acme.test", "Marco Bianchi", "Mobile", TLM, 11, ("Nora Haddad", "Tom Byrne")),
            DemoManager("olivia@acme.test", "Olivia Grant", "Checkout", EM, 26, ("Ravi Kumar", "Elena Popescu")),
            DemoManager("yusuf@acme.test", "Yusuf Demir", "Checkout", EM, 40, ("Grace Liu", "Max Müller")),
            DemoManager("hugo@acme.test", "Hugo Laurent", "Data Platform", TLM, 22, ("Ana Sousa", "Finn Kelly")),
            DemoManager("sara@acme.test", "Sara Lindgren", "Data Platform", EM, 34, ("Jin Park", "Lena Vogel")),
            DemoManager("chen@acme.test", "Chen Wei", "Mobile", EM, 19, ("Sofia Ricci", "Adel Haddad")),
            DemoManager("amara@acme.test", "Amara Obi", "Mobile", EM, 28, ("Luca Bruno", "Maya Cohen")),
            DemoManager(
                "jonas@acme.test", "Jonas Weber", "Platform Infrastructure", TLM, 30, ("Kofi Asante", "Irene Costa")
            ),
            DemoManager("rosa@acme.test", "Rosa Díaz", "Platform Infrastructure", EM, 12, ("Theo Martin", "Nina Berg")),
        ),
    ),
    DemoOrganisation(
        name="Globex",
        slug="globex",
        timezone="America/New_York",
        teams={"Search": Team.Kind.PRODUCT, "Core Infrastructure": Team.Kind.INFRASTRUCTURE},
        staff=(
            ("hr@globex.test", "Grace Hopkins", Role.HR),
            ("admin@globex.test", "Gil Amar", Role.ORG_ADMIN),
        ),
        managers=(
            DemoManager(
                "lena@globex.test",
                "Lena Fischer",
                "Search",
                EM,
                20,
                ("Raj Iyer", "Chloe Martin", "Pedro Alves", "Hannah Kim", "Ivan Petrov"),
            ),
            DemoManager(
                "kai@globex.test",
                "Kai Nakamura",
                "Core Infrastructure",
                TLM,
                8,
                ("Zoe Walsh", "Omar Farouk", "Eva Lund"),
            ),
            DemoManager("noah@globex.test", "Noah Levi", "Search", EM, 15, ("Paula Reyes", "Sam Okafor")),
            DemoManager("ivy@globex.test", "Ivy Chen", "Core Infrastructure", EM, 27, ("Dan Moss", "Lara Quinn")),
        ),
    ),
)

DEMO_SUPERUSER = ("superuser@emassess.test", "Site Operator")


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` earlier, or that month's last day when it is shorter."""
    year, month_zero_based = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_zero_based + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _email_for(name: str, slug: str) -> str:
    return f"{name.split()[0].lower()}@{slug}.test"


def _user(email: str, name: str, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name, **extra)
    return user


@dataclass(frozen=True)
class DemoLogin:
    email: str
    description: str


@transaction.atomic
def load_demo(*, today: datetime.date) -> list[DemoLogin]:
    """Create the demo organisations if they are missing; returns the logins worth trying."""
    logins: list[DemoLogin] = []
    for spec in DEMO_ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "timezone": spec.timezone}
        )
        teams = {
            name: Team.objects.get_or_create(organisation=organisation, name=name, defaults={"kind": kind})[0]
            for name, kind in spec.teams.items()
        }
        for email, name, role in spec.staff:
            user = _user(email, name)
            Membership.objects.get_or_create(user=user, defaults={"organisation": organisation, "role": role})
            logins.append(DemoLogin(email, f"{Role(role).label} at {spec.name}"))
        for manager in spec.managers:
            user = _user(manager.email, manager.name)
            membership, _ = Membership.objects.get_or_create(
                user=user,
                defaults={
                    "organisation": organisation,
                    "role": Role.MANAGER,
                    "team": teams[manager.team],
                    "manager_role": manager.manager_role,
                    "manager_role_started_on": months_before(today, manager.months_in_role),
                },
            )
            role_name = Membership.ManagerRole(manager.manager_role).label
            logins.append(
                DemoLogin(manager.email, f"{role_name} at {spec.name}, {manager.months_in_role} months in role")
            )
            for report_name in manager.reports:
                report = _user(_email_for(report_name, spec.slug), report_name)
                Membership.objects.get_or_create(
                    user=report,
                    defaults={
                        "organisation": organisation,
                        "role": Role.REPORT,
                        "team": teams[manager.team],
                        "reports_to": membership,
                    },
                )
        first_report = spec.managers[0].reports[0]
        logins.append(DemoLogin(_email_for(first_report, spec.slug), f"Report at {spec.name}"))
    email, name = DEMO_SUPERUSER
    if not User.objects.filter(email=email).exists():
        User.objects.create_superuser(email=email, password=DEMO_PASSWORD, full_name=name)
    logins.append(DemoLogin(email, "Superuser (Django admin), no organisation"))
    return logins
