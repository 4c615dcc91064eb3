"""The migration to one time zone per person keeps each person's zone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

ACCOUNTS = ("accounts", "0003_support_permission_and_data_access_log")
BEFORE = [ACCOUNTS, ("notifications", "0005_remove_kept_account_email_messages")]
AFTER = [ACCOUNTS, ("notifications", "0006_one_time_zone_per_person")]


@pytest.fixture
def schema_back_to_latest():
    """Every app's newest migration again afterwards: a later test (the Celery worker's,
    say) needs the tables of migrations newer than the ones this test moves between."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_where_the_two_zones_differ_the_preferences_one_is_kept(schema_back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    User = apps.get_model("accounts", "User")
    Profile = apps.get_model("accounts", "Profile")
    Preferences = apps.get_model("notifications", "NotificationPreferences")

    def person(email, profile_zone, prefs_zone):
        user = User.objects.create(email=email)
        if profile_zone:
            Profile.objects.create(
                user=user,
                full_name=email,
                time_zone=profile_zone,
                intent="grow",
                onboarding={},
                country="US",
            )
        if prefs_zone:
            Preferences.objects.create(user=user, time_zone=prefs_zone, unsubscribe_key=email)
        return user.pk

    moved = person("moved@example.com", "America/Chicago", "Europe/Berlin")
    same = person("same@example.com", "Asia/Tokyo", "Asia/Tokyo")
    no_prefs = person("no-prefs@example.com", "Pacific/Auckland", None)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Profile = executor.loader.project_state(AFTER).apps.get_model("accounts", "Profile")
    zones = dict(Profile.objects.values_list("user_id", "time_zone"))
    assert zones == {moved: "Europe/Berlin", same: "Asia/Tokyo", no_prefs: "Pacific/Auckland"}
