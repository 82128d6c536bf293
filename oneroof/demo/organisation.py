"""The fictional demo organisation: the three real institutions and centres (public facts),
rooms, and about a dozen generated staff accounts. Every person is invented (Faker pl_PL with
a fixed seed); re-running changes nothing that is already there."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from faker import Faker

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.intake.models import EligibilityRule
from oneroof.organisation.models import Centre, Institution, Membership, Role, Room

DEMO_PASSWORD = "demo-Pod-Jednym-Dachem"  # noqa: S105 - fictional demo accounts only
SEED = 20260210

INSTITUTIONS = [
    ("mops", "Miejski Ośrodek Pomocy Społecznej w Krakowie", "MOPS", Institution.Kind.CITY_UNIT,
     "Koordynacja; poradnictwo socjalne, psychologiczne i rodzinne; procedura Niebieskiej Karty."),
    ("dom-terapii", "Krakowska Fundacja Psychoterapii i Rozwoju „Dom Terapii”", "Dom Terapii",
     Institution.Kind.NGO, "Terapia specjalistyczna, wsparcie terapeutyczne, szkolenia."),
    ("mcpu", "Miejskie Centrum Profilaktyki Uzależnień w Krakowie", "MCPU",
     Institution.Kind.CITY_UNIT, "Konsultacje z zakresu profilaktyki uzależnień."),
    ("policja", "Komenda Miejska Policji w Krakowie", "KMP Kraków", Institution.Kind.POLICE, ""),
]  # fmt: skip

CENTRES = [
    ("wodna", "Centrum dla Rodzin", "ul. Wodna 2B, Kraków", Centre.TargetGroup.COUPLES,
     "Pary i rodziny gotowe pracować nad relacjami partnerskimi."),
    ("krakowiakow", "Centrum dla Rodzin", "os. Krakowiaków 2, Kraków",
     Centre.TargetGroup.FAMILIES_WITH_CHILDREN,
     "Rodziny z dziećmi do 18 lat w kryzysach relacyjnych; projekt EFS+ (08.2025–06.2029)."),
    ("cpd", "Centrum Pomocy Dzieciom", "ul. Wadowicka 8W, Kraków",
     Centre.TargetGroup.CHILD_VICTIMS,
     "Dzieci do 18 lat, które doświadczyły przemocy; model Barnahus."),
]  # fmt: skip

ROOMS = {
    "wodna": [("Sala terapii par", Room.Kind.THERAPY, 4), ("Sala grupowa", Room.Kind.GROUP, 12)],
    "krakowiakow": [
        ("Gabinet 1", Room.Kind.THERAPY, 3),
        ("Sala rodzinna", Room.Kind.FAMILY, 6),
        ("Sala warsztatowa", Room.Kind.GROUP, 14),
    ],
    "cpd": [
        ("Pokój przyjazny dziecku", Room.Kind.CHILD_FRIENDLY, 4),
        ("Pokój przesłuchań", Room.Kind.INTERVIEW, 3),
        ("Gabinet terapii traumy", Room.Kind.THERAPY, 3),
    ],
}


# Who each centre serves (shared/domain/README.md). The children's centre cannot be chosen
# for anyone but a child who experienced violence; the others may be overridden with a reason.
ELIGIBILITY = [
    ("wodna", EligibilityRule.Requirement.PARTNER_PAIR, True),
    ("krakowiakow", EligibilityRule.Requirement.CHILD_IN_FAMILY, True),
    ("cpd", EligibilityRule.Requirement.CHILD_VICTIM, False),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    institution: str
    roles: tuple[tuple[str | None, str], ...]  # (centre code or None, role)


ACCOUNTS = [
    DemoAccount("rejestracja", "mops", (("krakowiakow", Role.INTAKE), ("wodna", Role.INTAKE))),
    DemoAccount("rejestracja.cpd", "mops", (("cpd", Role.INTAKE),)),
    DemoAccount("case.manager", "mops", (("krakowiakow", Role.CASE_MANAGER),)),
    DemoAccount("case.manager.wodna", "mops", (("wodna", Role.CASE_MANAGER),)),
    DemoAccount("terapeuta", "dom-terapii", (("krakowiakow", Role.THERAPIST),)),
    DemoAccount("terapeuta.cpd", "dom-terapii", (("cpd", Role.THERAPIST),)),
    DemoAccount("konsultant.mcpu", "mcpu", (("krakowiakow", Role.THERAPIST),)),
    DemoAccount(
        "koordynator", "mops", (("krakowiakow", Role.COORDINATOR), ("wodna", Role.COORDINATOR))
    ),
    DemoAccount("koordynator.cpd", "mops", (("cpd", Role.COORDINATOR),)),
    DemoAccount(
        "kierownik.kliniczny",
        "dom-terapii",
        (
            ("krakowiakow", Role.CLINICAL_LEAD),
            ("wodna", Role.CLINICAL_LEAD),
            ("cpd", Role.CLINICAL_LEAD),
        ),
    ),
    DemoAccount("projekt.efs", "mops", (("krakowiakow", Role.EU_OFFICER),)),
    DemoAccount("iod", "mops", ((None, Role.DPO),)),
    DemoAccount("admin", "mops", ((None, Role.SYSADMIN),)),
    DemoAccount("policja", "policja", (("cpd", Role.PARTNER),)),
]


@transaction.atomic
def load_demo_organisation() -> list[DemoAccount]:
    """Create what is missing of the demo organisation; return the demo accounts."""
    institutions = {
        code: Institution.objects.get_or_create(
            code=code,
            defaults={"name": name, "short_name": short, "kind": kind, "duties": duties},
        )[0]
        for code, name, short, kind, duties in INSTITUTIONS
    }
    centres: dict[str, Centre] = {}
    for code, name, address, target_group, description in CENTRES:
        centre, created = Centre.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "address": address,
                "target_group": target_group,
                "description": description,
                "operator": institutions["mops"],
            },
        )
        if created:
            audit.record(actor=None, action="organisation.centre_created", target=centre)
        centres[code] = centre
        for room_name, kind, capacity in ROOMS[code]:
            Room.objects.get_or_create(
                centre=centre, name=room_name, defaults={"kind": kind, "capacity": capacity}
            )

    fake = Faker("pl_PL")
    fake.seed_instance(SEED)
    for account in ACCOUNTS:
        first_name, last_name = fake.first_name(), fake.last_name()
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{account.username}@demo.invalid",
                "institution": institutions[account.institution],
                "is_demo": True,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            audit.record(actor=None, action="accounts.user_created", target=user)
        for centre_code, role in account.roles:
            Membership.objects.get_or_create(
                user=user, centre=centres[centre_code] if centre_code else None, role=role
            )
    for code, requirement, overridable in ELIGIBILITY:
        EligibilityRule.objects.get_or_create(
            centre=centres[code],
            requirement=requirement,
            defaults={"overridable": overridable},
        )
    return ACCOUNTS
