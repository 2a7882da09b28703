"""Running an organisation, posted generated data: inviting, editing and deactivating people, the
settings, importing people from a CSV file, and accepting an invitation by its link."""

from __future__ import annotations

import csv
import html
import io
import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import find, given, settings
from hypothesis import strategies as st

from emassess.accounts.models import User
from emassess.orgs import csv_import
from emassess.orgs.models import Invitation, Membership, Organisation, Team
from tests import factories
from tests.fuzz.posting import (
    EXAMPLES,
    FUZZ,
    as_received,
    link,
    no_crash,
    page_of,
    post,
    says_why,
    snapshot,
    undone,
    world,
)
from tests.fuzz.strategies import GOOD_CSV, bodies, dates, emails, huge_texts, longer_than_any_column, texts, tokens

pytestmark = pytest.mark.fuzz


INVITE_FIELDS = ["email", "full_name", "role", "team", "manager_role_started_on", "reports_to"]
# The invite form's one role choice: the EM and TLM roles stand for a manager holding that role.
INVITE_ROLES = [*Membership.ManagerRole.values, "report", "hr", "org_admin"]


PERSON_FIELDS = ["full_name", "role", "team", "manager_role", "manager_role_started_on", "reports_to"]


def test_the_invite_fuzzing_tries_addresses_longer_than_the_column():
    """Addresses over the 254 characters the column holds were a 500 on PostgreSQL: the addresses
    the invite form is posted must keep going past that, on every database."""
    assert longer_than_any_column(
        find(emails(), longer_than_any_column, settings=settings(database=None, max_examples=2000))
    )


@FUZZ
@given(data=st.data())
def test_the_invite_form(browser, cast, invitation, globex_team, data):
    adam = browser(cast.adam.user)
    gus = Membership.objects.get(user__email="gus@globex.test")
    meaningful = [*Membership.Role.values, *Membership.ManagerRole.values, str(cast.alice.team_id), str(globex_team.pk),
                  str(cast.alice.pk), str(gus.pk)]  # fmt: skip
    valid = {"email": "new@acme.test", "full_name": "New Person", "role": "em", "team": str(cast.alice.team_id),
             "manager_role_started_on": "2025-01-06"}  # fmt: skip
    body = data.draw(bodies(INVITE_FIELDS, meaningful, valid=valid), label="body")
    teams = st.sampled_from(["", str(cast.alice.team_id), str(globex_team.pk)])
    body |= data.draw(st.fixed_dictionaries({}, optional={
        "email": emails(), "role": st.sampled_from([*INVITE_ROLES, "manager"]), "team": teams,
        "manager_role_started_on": dates(), "reports_to": st.sampled_from(["", str(cast.alice.pk), str(gus.pk)]),
    }))  # fmt: skip
    received = as_received(body)
    with undone(adam):
        before, old = world(Invitation), list(Invitation.objects.values_list("pk", flat=True))
        invitations = snapshot(Invitation.objects.all())
        response = post(adam, reverse("people_invite"), body)
        new = Invitation.objects.exclude(pk__in=old)
        if response.status_code == 302:
            assert response["Location"] == reverse("people")
            assert len(new) == 1
            assert new[0].email == received["email"].strip().lower()
            is_manager = received["role"] in Membership.ManagerRole.values
            assert new[0].role == ("manager" if is_manager else received["role"])
            assert new[0].manager_role == (received["role"] if is_manager else "")
            assert (new[0].manager_role_started_on is not None) == is_manager
            assert new[0].team is None or new[0].team.organisation_id == cast.acme.pk  # never another's team
            assert new[0].reports_to in (None, cast.alice)  # never someone of another organisation
            no_crash(adam.get(response["Location"]))
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert not new
        assert snapshot(Invitation.objects.filter(pk__in=old)) == invitations  # Nina's open one untouched
        assert world(Invitation) == before


def test_inviting_a_very_long_address_is_refused(browser, cast):
    """Found by the fuzzing: the form took addresses up to 320 characters, the column holds 254, and
    PostgreSQL answered a longer one with a 500."""
    adam = browser(cast.adam.user)
    email = "a" * 250 + "@example.com"  # 262 characters, a valid address
    response = post(adam, reverse("people_invite"), {"email": email, "full_name": "Long Address", "role": "report"})
    assert response.status_code == 200
    assert says_why(response)
    assert not Invitation.objects.exists()


EMPTY_POSTS = {
    "people_invite": lambda cast, token: (cast.adam.user, reverse("people_invite")),
    "person_edit": lambda cast, token: (cast.adam.user, reverse("person_edit", args=[cast.bob.pk])),
    "organisation_settings": lambda cast, token: (cast.adam.user, reverse("organisation_settings")),
    "invitation_accept": lambda cast, token: (None, reverse("invitation_accept", args=[token])),
}


@pytest.mark.parametrize("form", sorted(EMPTY_POSTS))
def test_an_empty_post_says_what_is_missing(browser, cast, invitation, form):
    """Found by the fuzzing: these views once built their form from `request.POST or None`, which
    takes an empty POST for a GET and shows the blank form again without a word."""
    from emassess.orgs.invitation_emails import invitation_token

    who, url = EMPTY_POSTS[form](cast, invitation_token(invitation=invitation))
    client = browser(who)
    before = world()
    response = post(client, url, {})
    assert response.status_code == 200
    assert world() == before
    assert says_why(response), "the page does not say why nothing happened"


@FUZZ
@given(who=st.sampled_from(["alice", "bob", "carol", "adam", "hana", "gina"]), data=st.data())
def test_the_person_form(browser, cast, globex_team, who, data):
    adam = browser(cast.adam.user)
    person = Membership.objects.select_related("user").get(pk=getattr(cast, who).pk)  # as stored, not as last edited
    people = [str(pk) for pk in Membership.objects.values_list("pk", flat=True)]
    meaningful = [*Membership.Role.values, *Membership.ManagerRole.values, str(cast.alice.team_id),
                  str(globex_team.pk), *people]  # fmt: skip
    as_is = {"full_name": person.user.full_name, "role": person.role, "team": str(person.team_id or ""),
             "manager_role": person.manager_role,
             "manager_role_started_on": str(person.manager_role_started_on or ""),
             "reports_to": str(person.reports_to_id or "")}  # fmt: skip
    body = data.draw(bodies(PERSON_FIELDS, meaningful, valid=as_is), label="body")
    body |= data.draw(st.fixed_dictionaries({}, optional={
        "full_name": st.one_of(texts(max_size=160), huge_texts()),
        "role": st.sampled_from(Membership.Role.values), "manager_role": st.sampled_from(["", "em", "tlm"]),
        "manager_role_started_on": dates(), "reports_to": st.sampled_from(["", *people]),
        "team": st.sampled_from(["", str(cast.alice.team_id), str(cast.carol.team_id), str(globex_team.pk)]),
    }))  # fmt: skip
    received = as_received(body)
    with undone(adam):
        before, others = world(Membership, User), snapshot(Membership.objects.exclude(pk=person.pk))
        theirs = snapshot(Membership.objects.filter(pk=person.pk))
        their_account = snapshot(User.objects.filter(pk=person.user_id))
        other_accounts = snapshot(User.objects.exclude(pk=person.user_id))
        response = post(adam, reverse("person_edit", args=[person.pk]), body)
        if response.status_code == 302:
            assert who != "gina"
            assert response["Location"] == reverse("people")
            person.refresh_from_db()
            person.user.refresh_from_db()
            assert person.user.full_name == received["full_name"].strip()
            assert person.role == received["role"]
            assert person.manager_role == received.get("manager_role", "")
            assert person.team is None or person.team.organisation_id == cast.acme.pk  # never another's team
            person.clean()  # what was saved is a valid membership: raises otherwise
            assert person.reports_to_id != person.pk
            assert person.reports_to is None or person.reports_to.organisation_id == cast.acme.pk
            # The pages that read it still open, for the admin and for the person.
            no_crash(adam.get(reverse("people")))
            no_crash(browser(person.user).get(reverse("home"), follow=True))
        else:
            # Another organisation's person is not found; anyone else's rejected change says why.
            assert response.status_code == (404 if who == "gina" else 200)
            assert says_why(response) if who != "gina" else "Page not found" in page_of(response)
            assert snapshot(Membership.objects.filter(pk=person.pk)) == theirs
            assert snapshot(User.objects.filter(pk=person.user_id)) == their_account
        assert world(Membership, User) == before
        assert snapshot(Membership.objects.exclude(pk=person.pk)) == others
        assert snapshot(User.objects.exclude(pk=person.user_id)) == other_accounts


BUTTONS = ["person_deactivate", "person_reactivate", "invitation_revoke", "invitation_resend"]


@FUZZ
@given(button=st.sampled_from(BUTTONS), target=st.one_of(st.sampled_from(["alice", "adam", "gina", "nina", "gwen"]),
       st.integers(0, 2**70)), data=st.data())  # fmt: skip
def test_the_people_buttons(browser, cast, invitation, globex_invitation, button, target, data):
    adam = browser(cast.adam.user)
    pks = {"alice": cast.alice.pk, "adam": cast.adam.pk, "gina": cast.gina.pk, "nina": invitation.pk,
           "gwen": globex_invitation.pk}  # fmt: skip
    pk = pks.get(target, target)
    # Buttons act on Acme's own rows only; a made-up id may still happen to be one of them.
    acme_rows = cast.acme.memberships if button.startswith("person") else cast.acme.invitations
    ours = acme_rows.filter(pk=pk).exists() if pk < 2**63 else False
    body = data.draw(bodies(["action", "next"]), label="body")
    with undone(adam):
        before, rest = world(), world(User, Invitation)
        response = post(adam, reverse(button, args=[pk]), body)
        if not ours:
            assert response.status_code == 404
            assert world() == before
            return
        assert response.status_code == 302
        assert response["Location"] == reverse("people")
        told = page_of(adam.get(response["Location"]))
        if button == "person_deactivate" and pk == cast.adam.pk:
            assert "You cannot deactivate yourself" in told
            assert world() == before
        else:
            assert 'role="status"' in told  # the page says what happened
            assert world(User, Invitation) == rest  # only the account or the invitation changed


SETTINGS_FIELDS = [
    "cadence_months",
    "nudge_after_days",
    "timezone",
    "anonymity_threshold",
    "hr_sees_individual_results",
]


SETTINGS_VALUES = ["3", "6", "12", "1", "2", "1000", "1001", "32767", "32768", "on", "true", "UTC", "Europe/London"]


@FUZZ
@given(data=st.data())
def test_the_settings_form(browser, cast, draft, data):
    adam = browser(cast.adam.user)
    as_is = {"cadence_months": "3", "nudge_after_days": "14", "timezone": "Europe/London", "anonymity_threshold": "3"}
    body = data.draw(bodies(SETTINGS_FIELDS, SETTINGS_VALUES, valid=as_is), label="body")
    body |= data.draw(st.fixed_dictionaries({}, optional={
        "cadence_months": st.sampled_from(["3", "6", "12"]), "nudge_after_days": st.integers(-2, 40000).map(str),
        "timezone": st.sampled_from(sorted(zoneinfo.available_timezones())),
        "anonymity_threshold": st.integers(-2, 1002).map(str),
    }))  # fmt: skip
    received = as_received(body)
    with undone(adam):
        before = world(Organisation)
        acme, others = (snapshot(Organisation.objects.filter(pk=cast.acme.pk)),
                        snapshot(Organisation.objects.exclude(pk=cast.acme.pk)))  # fmt: skip
        response = post(adam, reverse("organisation_settings"), body)
        if response.status_code == 302:
            assert response["Location"] == reverse("organisation_settings")
            saved = Organisation.objects.get(pk=cast.acme.pk)
            assert saved.cadence_months == int(received["cadence_months"])
            assert saved.timezone == received["timezone"]
            assert 3 <= saved.anonymity_threshold <= 1000 and saved.nudge_after_days >= 1
            # Every page that counts in the organisation's calendar still opens.
            for client, page in ((adam, "organisation_home"), (browser(cast.alice.user), "manager_home")):
                opened = client.get(reverse(page))
                no_crash(opened)
                assert opened.status_code == 200
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert snapshot(Organisation.objects.filter(pk=cast.acme.pk)) == acme
        assert snapshot(Organisation.objects.exclude(pk=cast.acme.pk)) == others
        assert world(Organisation) == before


# ---------------------------------------------------------------------------------------------
# Importing people from a CSV file


def csv_texts() -> st.SearchStrategy[str]:
    """CSV files as people make them: the right header or a near miss, rows of generated cells
    (some right, some not), quoted properly or not, any line ending."""
    header = st.one_of(
        st.just(",".join(csv_import.HEADER)),
        st.permutations(csv_import.HEADER).map(",".join),
        st.just(";".join(csv_import.HEADER)),
        st.lists(st.sampled_from([*csv_import.HEADER, "", "phone"]), max_size=7).map(",".join),
    )
    cell = st.one_of(
        st.emails(), st.sampled_from(["alice@acme.test", "ALICE@acme.test", "nina@acme.test", "gus@globex.test",
                                      "Platform", "platform", "PLATFORM", "ß",
                                      *csv_import.ROLE_CODES, "manager", "2025-03-01", "2099-01-01", "2025-02-30"]),
        dates(), texts(max_size=20), st.integers(130, 200).map(lambda n: "x" * n),  # over the name/team limits
    )  # fmt: skip
    rows = st.lists(st.lists(cell, min_size=3, max_size=7), max_size=8)
    joined = st.sampled_from(["proper", "naive"])

    def write(head: str, body: list[list[str]], how: str, newline: str) -> str:
        if how == "naive":  # cells pasted together by hand: a comma or quote in a cell breaks the row
            return newline.join([head, *(",".join(row) for row in body)]) + newline
        out = io.StringIO()
        csv.writer(out, lineterminator=newline).writerows([head.split(","), *body])
        return out.getvalue()

    return st.builds(write, header, rows, joined, st.sampled_from(["\n", "\r\n", "\r"]))


def around(size: int) -> bytes:
    """A CSV of exactly `size` bytes: a good header and the same row again and again."""
    row = b"someone@example.com,Some One,Platform,report,\n"
    body = ",".join(csv_import.HEADER).encode() + b"\n" + row * (size // len(row) + 1)
    return body[:size]


uploads = st.one_of(
    st.binary(max_size=3000),  # anything at all, mostly not UTF-8
    csv_texts().map(str.encode),
    csv_texts().map(lambda text: ("\ufeff" + text).encode()),  # a spreadsheet's byte-order mark
    csv_texts().map(lambda text: text.encode("utf-16")),
    csv_texts().map(lambda text: text.encode("cp1252", errors="replace")),
    st.integers(csv_import.MAX_BYTES - 64, csv_import.MAX_BYTES + 4096).map(around),  # the 1 MB limit
    st.just(b""),
)


# Printable names, as a browser sends them: it escapes quotes and line breaks, which the test
# client's encoder would not. (Django's parser drops a file whose name has no printable character
# at all, and then answers a large one with its bare 400 page: Django's doing, not the app's.)
file_names = st.text(
    st.characters(
        codec="utf-8", categories=["L", "M", "N", "P", "S"], include_characters=" ", exclude_characters='"\\/'
    ),
    min_size=1,
    max_size=40,
)


@settings(FUZZ, max_examples=EXAMPLES * 3 // 2)  # files vary more than form fields
@given(content=uploads, name=file_names)
def test_the_import_upload_previews_or_says_why_and_saves_nothing(browser, cast, invitation, content, name):
    adam = browser(cast.adam.user)
    with undone(adam):
        before = world()
        file = SimpleUploadedFile(name, content, content_type="text/csv")
        response = post(adam, reverse("people_import"), {"action": "preview"}, file=file)
        assert response.status_code == 200
        page = page_of(response)
        assert world() == before  # a preview imports nothing
        if 'data-testid="import-preview"' not in page:
            assert 'data-testid="error-summary"' in page  # the file as a whole was refused, and why
        elif 'data-testid="import-errors"' not in page:
            # All rows correct: the confirm form carries the very text that was checked.
            carried = html.unescape(re.search(r'name="csv_text" value="([^"]*)"', page)[1])
            assert carried == content.decode("utf-8-sig")


def tampered() -> st.SearchStrategy[str]:
    """The preview's hidden CSV text, changed on its way back."""
    good = GOOD_CSV
    rows = ["alice@acme.test,Alice Again,,report,\n", "nina@acme.test,Nina,,report,\n", "ada@example.com,Ada,,hr,\n",
            "new@example.com,New,Platform,manager-em,2099-01-01\n", "new@example.com,New,,boss,\n",
            "x@example.com,\x00,,report,\n", "y@example.com,\"unclosed,,report,\n"]  # fmt: skip
    return st.one_of(
        st.builds(lambda at, extra: good[:at] + extra + good[at:], st.integers(0, len(good)), texts(max_size=30)),
        st.builds(lambda at, cut: good[:at] + good[at + cut :], st.integers(0, len(good)), st.integers(1, 30)),
        st.sampled_from(rows).map(lambda row: good + row),
        st.sampled_from(["", "\ufeff" + good, good.replace(",", ";"), good.splitlines(keepends=True)[0]]),
        st.integers(csv_import.MAX_BYTES - 64, csv_import.MAX_BYTES + 4096).map(lambda size: around(size).decode()),
        texts(max_size=200),
    )


@FUZZ
@given(text=tampered())
def test_the_import_confirm_with_a_tampered_file_imports_all_or_nothing(browser, cast, invitation, text):
    adam = browser(cast.adam.user)
    with undone(adam):
        before = world(Invitation, Team)
        invitations, teams = snapshot(Invitation.objects.all()), snapshot(Team.objects.all())
        old, old_teams = Invitation.objects.values_list("pk", flat=True), Team.objects.values_list("pk", flat=True)
        old, old_teams = list(old), list(old_teams)
        # multipart, as the preview's form sends it
        response = post(adam, reverse("people_import"), {"action": "confirm", "csv_text": text}, multipart=True)
        if response.status_code == 302:  # still a correct file: everyone in it is invited
            assert response["Location"] == reverse("people")
            emails = {row.values["email"].lower() for row in csv_import.read_rows(text)}
            new = Invitation.objects.exclude(pk__in=old)
            assert sorted(invitation.email for invitation in new) == sorted(emails)
            assert all(invitation.reports_to in (None, cast.alice, cast.carol, cast.bob) for invitation in new)
            assert snapshot(Invitation.objects.filter(pk__in=old)) == invitations
            assert snapshot(Team.objects.filter(pk__in=old_teams)) == teams  # new teams at most
        else:
            assert response.status_code == 200
            assert "nothing was imported" in page_of(response).lower()
            assert snapshot(Invitation.objects.all()) == invitations
            assert snapshot(Team.objects.all()) == teams
        assert world(Invitation, Team) == before


# ---------------------------------------------------------------------------------------------
# The invitation link


@FUZZ
@given(data=st.data(), method=st.sampled_from(["get", "post"]))
def test_a_bad_invitation_link_says_so_and_changes_nothing(browser, cast, invitation, data, method):
    from emassess.orgs.invitation_emails import INVITATION_SALT, invitation_token

    visitor = browser()
    token = data.draw(tokens(invitation_token(invitation=invitation), INVITATION_SALT, invitation.pk + 1000))
    body = data.draw(bodies(["full_name", "password1", "password2"]), label="body")
    with undone(visitor):
        before = world()
        url = link("invitation_accept", token)
        response = post(visitor, url, body) if method == "post" else visitor.get(url)
        no_crash(response)
        assert response.status_code in (404, 410)
        assert 'data-testid="invitation-unavailable"' in page_of(response)
        assert world() == before


PASSWORDS = ["a long new passphrase 2026", "password", "nina@acme.test", "Nina New", "1234567890123", "short"]


@FUZZ
@given(data=st.data())
def test_accepting_an_invitation(browser, cast, invitation, data):
    from emassess.orgs.invitation_emails import invitation_token

    visitor = browser()
    password = data.draw(st.one_of(st.sampled_from(PASSWORDS), texts(max_size=30), huge_texts()), label="password")
    valid = {"full_name": "Nina New", "password1": PASSWORDS[0], "password2": PASSWORDS[0]}
    body = data.draw(bodies(["full_name", "password1", "password2"], PASSWORDS, valid=valid), label="body")
    body |= data.draw(st.fixed_dictionaries({}, optional={"password1": st.just(password),
                                                          "password2": st.just(password)}))  # fmt: skip
    received = as_received(body)
    with undone(visitor):
        before = world(User, Membership, Invitation)
        people, invitations = snapshot(User.objects.all()), snapshot(Invitation.objects.all())
        response = post(visitor, link("invitation_accept", invitation_token(invitation=invitation)), body)
        if response.status_code == 302:
            assert response["Location"] == reverse("home")
            nina = User.objects.get(email="nina@acme.test")
            assert nina.check_password(received["password1"]) and received["password1"] == received["password2"]
            assert nina.full_name == received["full_name"].strip()
            assert nina.membership.organisation == cast.acme and nina.membership.manager_role == "tlm"
            assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert snapshot(User.objects.all()) == people
            assert snapshot(Invitation.objects.all()) == invitations
            assert not Membership.objects.filter(user__email="nina@acme.test").exists()
        assert world(User, Membership, Invitation) == before


TEAM_FIELDS = ["name", "kind"]


@FUZZ
@given(editing=st.booleans(), data=st.data())
def test_the_team_form(browser, cast, globex_team, editing, data):
    adam = browser(cast.adam.user)
    team = cast.alice.team
    url = reverse("team_edit", args=[team.pk]) if editing else reverse("teams")
    names = [team.name, team.name.upper(), cast.carol.team.name, globex_team.name, " Spaced  out ", ""]
    body = data.draw(bodies(TEAM_FIELDS, [*Team.Kind.values, *names], valid={"name": "Fresh", "kind": "data"}))
    body |= data.draw(st.fixed_dictionaries({}, optional={
        "name": st.one_of(st.sampled_from(names), texts(max_size=130), huge_texts()),
        "kind": st.sampled_from([*Team.Kind.values, "", "nonsense"]),
    }))  # fmt: skip
    received = as_received(body)
    with undone(adam):
        everything, before, teams = world(), world(Team), snapshot(Team.objects.exclude(pk=team.pk))
        old = set(Team.objects.values_list("pk", flat=True))
        response = post(adam, url, body)
        if response.status_code == 302:
            assert response["Location"] == reverse("teams")
            saved = Team.objects.get(pk=team.pk) if editing else Team.objects.exclude(pk__in=old).get()
            assert saved.organisation_id == cast.acme.pk
            assert saved.name == " ".join(received["name"].split())
            assert saved.kind == received["kind"]
            # No two of the organisation's teams share a name in any case.
            names_now = [name.casefold() for name in cast.acme.teams.values_list("name", flat=True)]
            assert len(names_now) == len(set(names_now))
            no_crash(adam.get(reverse("teams")))
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert world() == everything  # a rejected post changes nothing at all
        if editing:
            assert snapshot(Team.objects.exclude(pk=team.pk)) == teams  # no other team changed
        assert world(Team) == before


TEAM_BUTTONS = ["team_archive", "team_restore"]


@FUZZ
@given(button=st.sampled_from(TEAM_BUTTONS), target=st.one_of(st.sampled_from(["alice", "old", "globex"]),
       st.integers(0, 2**70)), data=st.data())  # fmt: skip
def test_the_team_buttons(browser, cast, globex_team, button, target, data):
    adam = browser(cast.adam.user)
    body = data.draw(bodies(["action", "next"]), label="body")
    with undone(adam):
        old = factories.TeamFactory(organisation=cast.acme, name="Old days", archived_at=timezone.now())
        pk = {"alice": cast.alice.team_id, "old": old.pk, "globex": globex_team.pk}.get(target, target)
        ours = pk < 2**63 and cast.acme.teams.filter(pk=pk).exists()
        before, rest = world(), world(Team, Membership, Invitation)
        response = post(adam, reverse(button, args=[pk]), body)
        if not ours:
            assert response.status_code == 404
            assert world() == before
            return
        assert response.status_code == 302
        assert response["Location"] == reverse("teams")
        told = page_of(adam.get(response["Location"]))
        assert 'role="status"' in told  # the page says what happened
        assert world(Team, Membership, Invitation) == rest  # only teams and who is in them changed
        team = Team.objects.get(pk=pk)
        assert (team.archived_at is not None) == (button == "team_archive")
        assert not team.memberships.exists() or team.archived_at is None  # an archived team holds nobody
