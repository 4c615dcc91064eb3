"""Account emails logged before their messages were removed on sending still hold their
confirmation or password-reset links: remove those of every one that is no longer
waiting to be sent, as the outbox now does when it records the final status."""

from django.db import migrations


def remove(apps, schema_editor):
    EmailLog = apps.get_model("notifications", "EmailLog")
    EmailLog.objects.filter(kind="account", payload__has_key="body").exclude(
        status__in=("pending", "retrying", "sending")
    ).update(payload={"message_removed": True})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_unsubscribe_key"),
    ]

    operations = [migrations.RunPython(remove, migrations.RunPython.noop)]
