"""A shared result read by HR says whose it is and when it was shared; the manager's own view
says it is theirs. (The template's heading reads viewer_is_owner, owner_name and shared_at.)"""

import datetime

from django.urls import reverse


def share(client, result, shared: bool):
    return client.post(reverse("assessment_share", args=[result.public_id]), {"shared": "1" if shared else "0"})


def test_sharing_sets_when_and_unsharing_clears_it(client, cast, submit, time_machine):
    result = submit(cast.alice, "2026-Q3")
    client.force_login(cast.alice.user)
    moment = datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC)
    time_machine.move_to(moment, tick=False)
    share(client, result, True)
    result.refresh_from_db()
    assert result.shared_at == moment
    time_machine.move_to(moment + datetime.timedelta(days=2), tick=False)
    share(client, result, True)  # shared again while shared: still the first date
    result.refresh_from_db()
    assert result.shared_at == moment
    share(client, result, False)
    result.refresh_from_db()
    assert result.shared_at is None and not result.shared_with_hr


def test_hr_reads_whose_result_it_is_and_when_it_was_shared(client, cast, submit, time_machine):
    result = submit(cast.alice, "2026-Q3")
    client.force_login(cast.alice.user)
    moment = datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC)
    time_machine.move_to(moment, tick=False)
    share(client, result, True)
    own = client.get(reverse("assessment_result", args=[result.public_id]))
    assert (own.context["viewer_is_owner"], own.context["owner_name"]) == (True, "Alice Able")
    assert own.context["shared_at"] == moment
    client.force_login(cast.hana.user)
    hr = client.get(reverse("shared_result", args=[result.public_id]))
    assert hr.status_code == 200
    assert (hr.context["viewer_is_owner"], hr.context["owner_name"], hr.context["shared_at"]) == (
        False, "Alice Able", moment,
    )  # fmt: skip


def test_a_result_hr_sees_by_the_organisations_setting_has_no_shared_date(client, cast, submit):
    result = submit(cast.alice, "2026-Q3")
    cast.acme.hr_sees_individual_results = True
    cast.acme.save()
    client.force_login(cast.hana.user)
    hr = client.get(reverse("shared_result", args=[result.public_id]))
    assert (hr.context["viewer_is_owner"], hr.context["owner_name"], hr.context["shared_at"]) == (
        False, "Alice Able", None,
    )  # fmt: skip


def test_the_page_heads_a_shared_result_with_its_owner_and_date(client, cast, submit, time_machine):
    result = submit(cast.alice, "2026-Q3")
    client.force_login(cast.alice.user)
    time_machine.move_to(datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC), tick=False)
    share(client, result, True)
    assert (
        '<h1 class="h3 mb-1">Your result</h1>'
        in client.get(reverse("assessment_result", args=[result.public_id])).content.decode()
    )
    client.force_login(cast.hana.user)
    page = client.get(reverse("shared_result", args=[result.public_id])).content.decode()
    assert '<h1 class="h3 mb-1">Alice Able\'s result</h1>' in page
    assert "shared with HR on 3 November 2026" in page
    assert "Your result" not in page
