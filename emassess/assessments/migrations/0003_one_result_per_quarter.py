"""One result per manager per quarter, and reopening a result until its quarter closes.

Before this, submitting again in a quarter stored a second result. Where a manager has several
results of one quarter, the latest stays their result: it is the one the released figures counted
(each manager's latest of the quarter) and the one their home page showed. The earlier ones are
not deleted: they become "superseded", out of every page, figure and reminder, and still in the
manager's own data export until they are erased. Nothing else about them changes (a share with
HR, known_to_hr).

`closes_at` of the results already stored is their quarter's close in their organisation's time
zone now, as the release of that quarter counts it.

The constraint itself comes in 0004: PostgreSQL does not build an index in the transaction that
has just updated the table's rows.
"""

import datetime
import re
import zoneinfo

from django.db import migrations, models
from django.db.models import Count

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def _close_of(period, timezone_name):
    """Midnight after the quarter's last day in the time zone (written out here: a migration does not
    import live code that may change)."""
    year, quarter = map(int, QUARTER.match(period).groups())
    month = 3 * quarter + 1
    end = datetime.date(year + 1, 1, 1) if month > 12 else datetime.date(year, month, 1)
    return datetime.datetime.combine(end, datetime.time(), tzinfo=zoneinfo.ZoneInfo(timezone_name))


def keep_the_latest_result_of_each_quarter(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Organisation = apps.get_model("orgs", "Organisation")
    submitted = Assessment.objects.filter(status="submitted")
    duplicated = submitted.values("manager", "period").annotate(n=Count("id")).filter(n__gt=1)
    for group in duplicated.iterator():
        results = submitted.filter(manager=group["manager"], period=group["period"]).order_by("-submitted_at", "-pk")
        earlier = list(results.values_list("pk", flat=True))[1:]
        Assessment.objects.filter(pk__in=earlier).update(status="superseded")
    for organisation in Organisation.objects.all():
        mine = Assessment.objects.filter(manager__organisation=organisation, closes_at=None).exclude(period="")
        for period in set(mine.values_list("period", flat=True)):
            if QUARTER.match(period):
                mine.filter(period=period).update(closes_at=_close_of(period, organisation.timezone))


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0002_assessment_known_to_hr_assessment_team_and_more'),
    ]

    operations = [
        migrations.AddField(
            model_name='assessment',
            name='closes_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='assessment',
            name='reopened_answers',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='assessment',
            name='reopened_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='assessment',
            name='resubmitted_at',
            field=models.DateTimeField(blank=True, help_text='When changed answers last re-scored it.', null=True),
        ),
        migrations.AlterField(
            model_name='assessment',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('superseded', 'Superseded by a later result of the same quarter')], default='draft', max_length=10),
        ),
        migrations.RunPython(keep_the_latest_result_of_each_quarter, migrations.RunPython.noop),
    ]
