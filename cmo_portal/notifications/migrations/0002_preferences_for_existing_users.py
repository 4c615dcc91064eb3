"""Give every user who has a profile their email preferences and schedule, as the app
does for new users when they first save their profile."""

import datetime
import zoneinfo

from django.db import migrations


def create(apps, schema_editor):
    from cmo_portal.notifications import schedule

    Profile = apps.get_model("accounts", "Profile")
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    now = datetime.datetime.now(datetime.UTC)
    have = set(Preferences.objects.values_list("user_id", flat=True))
    rows = []
    for user_id, time_zone in Profile.objects.values_list("user_id", "time_zone"):
        if user_id in have:
            continue
        try:
            zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            time_zone = "UTC"
        rows.append(
            Preferences(
                user_id=user_id,
                time_zone=time_zone,
                next_digest_at=schedule.next_digest_at(
                    frequency="weekly", weekday=0, time_zone=time_zone, after=now
                ),
                next_reminders_at=schedule.next_daily_at(time_zone=time_zone, after=now),
            )
        )
    Preferences.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
