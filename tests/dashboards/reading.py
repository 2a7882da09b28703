"""Reading what HR sees, for the attack tests: exports as rows, and the flagged counts in them."""

import csv
import io

from django.urls import reverse

FLAGGED = "anti-pattern prevalence (watch or high)"
WITHHELD = "not enough responses"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


def export_rows(client, quarter, team=None, **params):
    url = reverse("team_export", args=[team.pk]) if team else reverse("organisation_export")
    return csv_rows(client.get(url, {"quarter": quarter, **params}))


def shown(f) -> bool:
    return any(v is not None for k, v in f.items() if k[0] == FLAGGED)


def flagged_of(diff) -> dict[str, int]:
    return {item: v for (section, item), v in diff.items() if section == FLAGGED}
