import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from cmo_portal.accounts.models import Profile, User
from cmo_portal.demo.people import DEMO_ACCOUNTS, DEMO_MENTORS
from cmo_portal.demo.personas import PERSONA_ACCOUNTS, PERSONAS
from mentors.models.profiles import MentorProfile

pytestmark = pytest.mark.django_db


def test_demo_accounts_load_twice_without_duplicates_and_print_passwords(capsys):
    call_command("load_demo_accounts")
    first = capsys.readouterr().out
    user = User.objects.get(email="physician@example.com")
    user.set_password("changed-by-someone")
    user.save()

    call_command("load_demo_accounts")
    second = capsys.readouterr().out

    # The four accounts that log in, the three demo physicians (without their journeys
    # here: the curriculum is not loaded), and the five demo mentors who cannot log in.
    expected = len(DEMO_ACCOUNTS) + len(PERSONAS) + len(DEMO_MENTORS) - 1
    assert User.objects.count() == expected == 12
    assert Profile.objects.count() == expected
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == expected
    assert MentorProfile.objects.count() == len(DEMO_MENTORS)
    assert not User.objects.get(email="helen.park@example.com").has_usable_password()
    assert MentorProfile.objects.get(user__email="mentor@example.com").is_approved
    for account in (*DEMO_ACCOUNTS, *PERSONA_ACCOUNTS):
        assert account.password in first
        user = User.objects.get(email=account.email)
        assert user.check_password(account.password)  # put back as shipped
        assert user.is_staff == account.is_staff
        assert user.is_superuser == account.is_superuser
    assert "(created)" in first and "(created)" not in second


def test_demo_accounts_are_refused_when_not_allowed(settings):
    settings.ALLOW_DEMO_ACCOUNTS = False
    with pytest.raises(CommandError, match="refused"):
        call_command("load_demo_accounts")
    assert not User.objects.exists()


def test_demo_physician_can_log_in(client):
    call_command("load_demo_accounts")
    account = DEMO_ACCOUNTS[0]
    assert client.login(email=account.email, password=account.password)


def test_the_demo_editor_edits_the_curriculum_without_being_a_superuser():
    call_command("load_demo_accounts")
    editor = User.objects.get(email="editor@example.com")
    assert editor.is_staff and not editor.is_superuser
    assert editor.has_perm("pathways.change_pathway")
    assert not editor.has_perm("accounts.change_user")
