"""One time zone per person: the profile's. The email preferences' own copy goes.

Where a person's two zones differ, the preferences' one wins: it is the zone their
emails have been sent in and their next digest and reminder times were computed from,
so keeping it changes no schedule (their pages, shown in UTC until now, take it up too).
A person with preferences and no profile has no profile to keep it on: their emails use
UTC, which is what their preferences held unless they changed it."""

from django.db import migrations


def keep_the_preferences_zone(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    chosen = dict(Preferences.objects.exclude(time_zone="").values_list("user_id", "time_zone"))
    changed = []
    for profile in Profile.objects.filter(user_id__in=chosen).only("pk", "user_id", "time_zone"):
        if profile.time_zone != chosen[profile.user_id]:
            profile.time_zone = chosen[profile.user_id]
            changed.append(profile)
    Profile.objects.bulk_update(changed, ["time_zone"], batch_size=1000)


def give_the_preferences_the_profiles_zone(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    zones = dict(Profile.objects.values_list("user_id", "time_zone"))
    rows = list(Preferences.objects.only("pk", "user_id"))
    for prefs in rows:
        prefs.time_zone = zones.get(prefs.user_id) or "UTC"
    Preferences.objects.bulk_update(rows, ["time_zone"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_support_permission_and_data_access_log"),
        ("notifications", "0005_remove_kept_account_email_messages"),
    ]

    operations = [
        migrations.RunPython(keep_the_preferences_zone, give_the_preferences_the_profiles_zone),
        migrations.RemoveField(model_name="notificationpreferences", name="time_zone"),
    ]
