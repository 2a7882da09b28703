"""The database holds one result per manager per quarter (0003 left one in each quarter)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0003_one_result_per_quarter"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'submitted')), fields=('manager', 'period'), name='one_result_per_manager_and_quarter'),
        ),
    ]
