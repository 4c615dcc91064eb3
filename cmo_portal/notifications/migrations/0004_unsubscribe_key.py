"""Every user's preferences get a random unsubscribe key, which unsubscribe links name
instead of the user's id. Links sent before this held the id; they stop working, and
their page offers the email preferences instead."""

import secrets

from django.db import migrations, models

import cmo_portal.notifications.models


def fill(apps, schema_editor):
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    rows = list(Preferences.objects.filter(unsubscribe_key__isnull=True).only("pk"))
    for row in rows:
        row.unsubscribe_key = secrets.token_urlsafe(24)
    Preferences.objects.bulk_update(rows, ["unsubscribe_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_email_log_message_removed"),
    ]

    operations = [
        migrations.AddField(
            model_name="notificationpreferences",
            name="unsubscribe_key",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notificationpreferences",
            name="unsubscribe_key",
            field=models.CharField(
                default=cmo_portal.notifications.models.new_unsubscribe_key,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
    ]
