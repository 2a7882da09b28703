"""factory_boy factories for the people and places of the app."""

import datetime

import factory

from emassess.accounts.models import User
from emassess.orgs.models import Membership, Organisation, Team

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    timezone = "Europe/London"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.PRODUCT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.REPORT


class ManagerFactory(MembershipFactory):
    role = Membership.Role.MANAGER
    team = factory.SubFactory(TeamFactory, organisation=factory.SelfAttribute("..organisation"))
    manager_role = Membership.ManagerRole.EM
    manager_role_started_on = datetime.date(2025, 3, 1)
