"""Red-team attacks on the k-anonymity of released figures, through HR's and org admins' pages.

Every test asserts the property ("no sequence of pages, exports, quarter choices and edits reveals
the results of fewer than k people"); a FAILING test is a successful attack. Each docstring says
the sequence; the assertion message says what leaked.

k = 3 (Acme's default) unless a test says otherwise.
"""

import datetime

import pytest
from django.urls import reverse

from emassess.assessments.models import RiskScore
from emassess.assessments.services import assessment_set_shared
from tests import factories
from tests.dashboards.reading import WITHHELD, export_rows, figs, flagged_of, minus, shown, team_bands

K = 3
Q3 = "2026-Q3"
Q4 = "2026-Q4"
Q3_START = datetime.date(2026, 7, 1)
Q4_START = datetime.date(2026, 10, 1)


# --- reading what HR sees --------------------------------------------------------------------


def heatmap(client, quarter, **params) -> dict[str, int | None]:
    out = {}
    for section, item, measure, value in export_rows(client, quarter, **params):
        if section == "heatmap (watch or high)":
            if measure == "count":
                out[item] = int(value)
            elif value == WITHHELD:
                out.setdefault(item, None)
    return out


def truth_flagged(assessments) -> dict[str, int]:
    """Ground truth (not visible to HR): how many of these results are watch/high per anti-pattern name."""
    out: dict[str, int] = {}
    for score in RiskScore.objects.filter(assessment__in=assessments).select_related():
        from emassess.framework.models import AntiPattern

        name = AntiPattern.objects.get(slug=score.anti_pattern).name
        out[name] = out.get(name, 0) + (score.band in ("watch", "high"))
    return out


def admin(client, cast):
    client.force_login(cast.adam.user)
    return client


def erase(client, person):
    assert client.post(reverse("person_deactivate", args=[person.pk])).status_code == 302
    response = client.post(reverse("person_erase", args=[person.pk]), {"confirm_email": person.user.email})
    assert response.status_code == 302, "erasure refused"


def at(start, days):
    return start + datetime.timedelta(days=days)


# =============================================================================================
# 1. A manager who submits twice in a quarter counts as a "new response" for the next early batch


def test_a_no_team_shared_result_switches_off_complementary_suppression(hr, cast, managers_in, submit, release):
    """Teams A and B of 3; two managers in no team: Mia shares her result, Noah does not. The
    organisation (8) less A and B leaves Mia + Noah; HR reads Mia's, so only Noah is protected:
    a team must be withheld. The shared no-team result is discounted twice from the organisation,
    `withheld` comes out 0, and nothing is withheld: org - A - B - Mia = Noah."""
    team_a = cast.alice.team
    team_b = factories.TeamFactory(organisation=cast.acme, name="B team")
    for m in [*managers_in(team_a, 3), *managers_in(team_b, 3)]:
        submit(m, Q3)
    mia = factories.ManagerFactory(organisation=cast.acme, team=None, user__full_name="Mia NoTeam")
    noah = factories.ManagerFactory(organisation=cast.acme, team=None, user__full_name="Noah NoTeam")
    mia_result = submit(mia, Q3)
    noah_result = submit(noah, Q3, behaviour={"weekend-warrior": 4, "lgtm-machine": 4}, tlm_statements=6)
    assessment_set_shared(assessment=mia_result, shared=True, by=mia.user)
    release()
    org, a, b = figs(hr, Q3), figs(hr, Q3, team_a), figs(hr, Q3, team_b)
    # HR reads Mia's shared result (bands are on her result page).
    assert hr.get(reverse("shared_result", args=[mia_result.public_id])).status_code == 200
    assert not (shown(org) and shown(a) and shown(b)), (
        f"org - A - B = Mia + Noah ({minus(org, a, b)[('results', 'responses')]} people); less Mia's shared "
        f"result, Noah's flagged: {flagged_of(minus(org, a, b))} minus Mia's {truth_flagged([mia_result])} "
        f"(Noah's truth: {truth_flagged([noah_result])})"
    )


def test_an_older_shared_result_of_a_resubmitter_switches_off_complementary_suppression(
    client, cast, managers_in, submit, resubmit_on, release
):
    """Teams A and B of 3. Mark, in team C, answers and shares; the org admin moves him to no
    team; he answers again. This was an attack while a second answer made a second, unshared
    result: his older shared one was still discounted, nothing was withheld and org - A - B was the
    unshared result, alone. Since one result per quarter, answering again changes his one result in
    place: it stays shared (and known to HR), and stays in team C, where he answered first; so what
    org - A - B leaves is the result HR reads on his shared page anyway, and nothing else of his."""
    team_a = cast.alice.team
    team_b = factories.TeamFactory(organisation=cast.acme, name="B team")
    team_c = factories.TeamFactory(organisation=cast.acme, name="C team")
    for m in [*managers_in(team_a, 3), *managers_in(team_b, 3)]:
        submit(m, Q3)
    (mark,) = managers_in(team_c, 1)
    first = submit(mark, Q3, day=10)
    assessment_set_shared(assessment=first, shared=True, by=mark.user)
    admin(client, cast)
    edit = {"full_name": mark.user.full_name,
            "role": "manager", "team": "", "manager_role": mark.manager_role,
            "manager_role_started_on": mark.manager_role_started_on.isoformat()}  # fmt: skip
    assert client.post(reverse("person_edit", args=[mark.pk]), edit).status_code == 302
    second = resubmit_on(
        first, at(Q3_START, 40), behaviour={"weekend-warrior": 4, "bottleneck-manager": 4},
        tlm_statements=6,
    )  # fmt: skip
    assert second.pk == first.pk and mark.assessments.filter(status="submitted").count() == 1
    assert second.shared_with_hr and second.known_to_hr and second.team == team_c
    release()
    org, a, b = figs(client, Q3), figs(client, Q3, team_a), figs(client, Q3, team_b)
    rest = minus(org, a, b)
    if shown(org) and shown(a) and shown(b):
        assert rest.get(("results", "responses")) == 1, rest  # Mark's one result, which HR reads anyway
        client.force_login(cast.hana.user)
        assert client.get(reverse("shared_result", args=[second.public_id])).status_code == 200


def _team_of_three_with_one_sharer(cast, managers_in, submit):
    team_a = cast.alice.team
    big = factories.TeamFactory(organisation=cast.acme, name="Big")
    pia = factories.ManagerFactory(organisation=cast.acme, team=team_a, user__full_name="Pia Sharer")
    pia_result = submit(pia, Q3)
    q, r = managers_in(team_a, 2)
    rq = submit(q, Q3, behaviour={"weekend-warrior": 4})
    rr = submit(r, Q3)
    for m in managers_in(big, 6):
        submit(m, Q3)
    assessment_set_shared(assessment=pia_result, shared=True, by=pia.user)
    return team_a, pia, pia_result, [rq, rr]


def test_erasing_a_sharer_unhides_her_team_and_hr_subtracts_her_known_result(
    client, cast, managers_in, submit, release
):
    """Team A = Pia (shared) + Q + R: withheld (2 protected). HR exports the team page, which lists
    Pia's bands. Pia leaves; the org admin deactivates and erases her: her result is no longer
    shared, so A counts 3 and is shown. A - Pia's known bands = Q + R, two people."""
    team_a, pia, _pia_result, others = _team_of_three_with_one_sharer(cast, managers_in, submit)
    release()
    admin(client, cast)
    assert not shown(figs(client, Q3, team_a))
    pia_bands = team_bands(client, Q3, team_a)[pia.user.get_full_name()]
    erase(client, pia)
    after = figs(client, Q3, team_a)
    two = {ap: v - (pia_bands[ap] in ("watch", "high")) for ap, v in flagged_of(after).items() if v is not None}
    assert not shown(after), (
        f"after erasing Pia, team A is shown; A - Pia = Q + R (2 people): flagged {two} "
        f"(truth: {truth_flagged(others)})"
    )


def test_unsharing_after_hr_read_it_unhides_the_team(client, cast, managers_in, submit, release):
    """Same, but Pia un-shares her result (her own page) after HR exported the team page."""
    team_a, pia, pia_result, others = _team_of_three_with_one_sharer(cast, managers_in, submit)
    release()
    client.force_login(cast.hana.user)
    assert not shown(figs(client, Q3, team_a))
    pia_bands = team_bands(client, Q3, team_a)[pia.user.get_full_name()]
    client.force_login(pia.user)
    client.post(reverse("assessment_share", args=[pia_result.public_id]), {"shared": "0"})
    client.force_login(cast.hana.user)
    after = figs(client, Q3, team_a)
    two = {ap: v - (pia_bands[ap] in ("watch", "high")) for ap, v in flagged_of(after).items() if v is not None}
    assert not shown(after), f"A - Pia = Q + R (2 people): flagged {two} (truth: {truth_flagged(others)})"


# =============================================================================================
# 6. A share reorders the teams: complementary suppression withholds another team than before


def test_a_share_moves_complementary_suppression_to_another_team(hr, cast, managers_in, submit, release):
    """Teams B (4), A (3), C (6), two people in no team. Before: A withheld (smallest), B and C shown.
    One of B shares: B counts 3 protected, ties A, and B (older id) is withheld instead, A shown.
    HR has now seen A, B and C: org - A - B - C = the two people in no team."""
    team_b = factories.TeamFactory(organisation=cast.acme, name="B team")  # older id than A
    team_a = factories.TeamFactory(organisation=cast.acme, name="A team")
    team_c = factories.TeamFactory(organisation=cast.acme, name="C team")
    b_results = [submit(m, Q3) for m in managers_in(team_b, 4)]
    for m in [*managers_in(team_a, 3), *managers_in(team_c, 6)]:
        submit(m, Q3)
    loners = [factories.ManagerFactory(organisation=cast.acme, team=None) for _ in range(2)]
    loner_results = [submit(loners[0], Q3, behaviour={"weekend-warrior": 4}), submit(loners[1], Q3)]
    release()
    org = figs(hr, Q3)
    seen = {"A": figs(hr, Q3, team_a), "B": figs(hr, Q3, team_b), "C": figs(hr, Q3, team_c)}
    b_sharer = b_results[0]
    assessment_set_shared(assessment=b_sharer, shared=True, by=b_sharer.manager.user)
    now = {"A": figs(hr, Q3, team_a), "B": figs(hr, Q3, team_b), "C": figs(hr, Q3, team_c)}
    best = {name: (seen[name] if shown(seen[name]) else now[name]) for name in seen}
    if all(shown(f) for f in best.values()) and shown(org):
        rest = minus(org, *best.values())
        pytest.fail(
            f"over time HR saw A, B and C: org - A - B - C = {rest[('results', 'responses')]} people in no team: "
            f"flagged {flagged_of(rest)} (truth: {truth_flagged(loner_results)})"
        )


# =============================================================================================
# 7. Lowering the threshold for one batch


def test_raising_and_lowering_the_threshold_between_exports_shows_nested_sets(
    client, cast, managers_in, submit, release
):
    """Teams of 3, 4, 5, 10 and 2 people in no team; export the heatmap at k = 3, 4, 5, 6: the
    teams shown at a higher k are always among those shown at a lower one, and the organisation
    less the union of what was ever shown counts k (3) or more."""
    sizes = {"T3": 3, "T4": 4, "T5": 5, "T10": 10}
    teams = {name: factories.TeamFactory(organisation=cast.acme, name=name) for name in sizes}
    for name, size in sizes.items():
        for m in managers_in(teams[name], size):
            submit(m, Q3)
    for _ in range(2):
        submit(factories.ManagerFactory(organisation=cast.acme, team=None), Q3)
    release()
    admin(client, cast)
    ever_shown = set()
    for k in (3, 4, 5, 6, 3):
        data = {"cadence_months": 3, "nudge_after_days": 14, "timezone": "UTC", "anonymity_threshold": k}
        assert client.post(reverse("organisation_settings"), data).status_code == 302
        for name, team in teams.items():
            if shown(figs(client, Q3, team)):
                ever_shown.add(name)
    total = sum(sizes.values()) + 2
    assert total - sum(sizes[n] for n in ever_shown) >= K


def test_overview_export_and_every_team_export_agree_and_leave_k(hr, cast, managers_in, submit, release):
    """Org less every team export that is shown leaves 0 or at least k people (incl. a manager in
    no team); heatmap pages (25 teams a page) withhold the same teams."""
    teams = [factories.TeamFactory(organisation=cast.acme, name=f"T{i:02}") for i in range(27)]
    for i, team in enumerate(teams):
        for m in managers_in(team, 3 + (i % 3)):
            submit(m, Q3)
    submit(factories.ManagerFactory(organisation=cast.acme, team=None), Q3)
    (tiny,) = managers_in(factories.TeamFactory(organisation=cast.acme, name="Tiny"), 1)
    submit(tiny, Q3)
    release()
    org = figs(hr, Q3)
    team_figs = [figs(hr, Q3, t) for t in [*teams, tiny.team]]
    shown_teams = [f for f in team_figs if shown(f)]
    rest = minus(org, *shown_teams)[("results", "responses")]
    assert rest == 0 or rest >= K
    heat = {**heatmap(hr, Q3, teams_page=1), **heatmap(hr, Q3, teams_page=2)}
    for t, f in zip([*teams, tiny.team], team_figs, strict=True):
        cells = [v for key, v in heat.items() if key.startswith(f"{t.name} / ")]
        assert all(v is None for v in cells) == (not shown(f))


def test_half_yearly_two_quarters_keep_each_quarter_k(client, cast, managers_in, submit, release):
    """cadence 6: three answer in Q3, one in Q4. Completion for H2 counts 4 done; Q4 figures
    (1 response) are withheld at its close, and the trend at Q4 shows Q3 only."""
    cast.acme.cadence_months = 6
    cast.acme.save()
    admin(client, cast)
    managers = managers_in(cast.alice.team, 4)
    for m in managers[:3]:
        submit(m, Q3)
    submit(managers[3], Q4, day=3, behaviour={"weekend-warrior": 4})
    release(datetime.date(2027, 1, 2))
    q4 = figs(client, Q4)
    assert not shown(q4)
    assert not shown(figs(client, Q4, cast.alice.team))


def test_moving_a_responder_out_of_every_team_changes_nothing(client, cast, managers_in, submit, release):
    managers = managers_in(cast.alice.team, 4)
    for m in managers:
        submit(m, Q3)
    release()
    admin(client, cast)
    before = (figs(client, Q3), figs(client, Q3, cast.alice.team))
    edit = {"full_name": managers[0].user.full_name,
            "role": "manager", "team": "", "manager_role": managers[0].manager_role,
            "manager_role_started_on": managers[0].manager_role_started_on.isoformat()}  # fmt: skip
    assert client.post(reverse("person_edit", args=[managers[0].pk]), edit).status_code == 302
    assert (figs(client, Q3), figs(client, Q3, cast.alice.team)) == before


def test_erasing_a_non_sharer_after_release_changes_nothing(client, cast, managers_in, submit, release):
    managers = managers_in(cast.alice.team, 3)
    for m in managers:
        submit(m, Q3)
    release()
    admin(client, cast)
    before = (figs(client, Q3), figs(client, Q3, cast.alice.team))
    erase(client, managers[0])
    assert (figs(client, Q3), figs(client, Q3, cast.alice.team)) == before


def test_follow_up_lists_and_audit_log_show_no_results(client, cast, managers_in, submit, release):
    managers = managers_in(cast.alice.team, 3)
    submit(managers[0], Q3, behaviour={"weekend-warrior": 4})
    release()
    admin(client, cast)
    for kind in ("overdue", "never-assessed", "one-year-reviews"):
        response = client.get(reverse("follow_up", args=[kind]))
        assert response.status_code == 200
        text = response.content.decode()
        assert "Weekend Warrior" not in text and "band" not in text.lower()
    log = client.get(reverse("audit_log")).content.decode()
    assert "Weekend" not in log
    assert not shown(figs(client, Q3))


def test_hr_sees_individual_results_on_is_the_by_design_way(client, cast, managers_in, submit, release):
    """By design: the org admin ticks hr_sees_individual_results and HR opens every result."""
    (m,) = managers_in(cast.alice.team, 1)
    result = submit(m, Q3)
    admin(client, cast)
    data = {"cadence_months": 3, "nudge_after_days": 14, "timezone": "UTC", "anonymity_threshold": 3,
            "hr_sees_individual_results": "on"}  # fmt: skip
    assert client.post(reverse("organisation_settings"), data).status_code == 302
    assert client.get(reverse("shared_result", args=[result.public_id])).status_code == 200
