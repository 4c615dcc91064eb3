import factory
from allauth.account.models import EmailAddress

from cmo_portal.accounts.models import CareerStage, OrganisationType, Profile, User

PASSWORD = "Correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs) -> None:
        """Allauth lets in only users with a verified address; tests opt out with
        verified_email=False."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    full_name = factory.Faker("name")
    career_stage = CareerStage.PRACTISING
    specialty = "Internal medicine"
    years_since_residency = 6
    current_role = "Hospitalist"
    organisation_type = OrganisationType.HOSPITAL
    country = "US"
    time_zone = "America/Chicago"
