"""Demo data: the POP network's 12 municipalities and organizations, elections, events, users.

Drawn from the network's own bulletin for January–June 2022 ("Buletin informativ, janar–qershor
2022" of Rrjeti POP). Parties and candidates are invented; upcoming events are placed relative to
`today`. The topics are not here: migration 0003 owns them (a demo row that needs one looks it
up by slug).
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from app.demo.portal import portal_link_text
from app.models import EventKind, EventStatus, InvitationStatus, Office

DEMO_ADMIN_EMAIL = "admin@pop-forums.demo"
DEMO_ADMIN_PASSWORD = "demo-admin-2026"  # noqa: S105 (printed on purpose: demo only)
DEMO_ORGANIZER_EMAIL = "organizer@pop-forums.demo"
DEMO_ORGANIZER_PASSWORD = "demo-organizer-2026"  # noqa: S105 (printed on purpose: demo only)
DEMO_ORGANIZER_ORGANIZATION = "csdc-durres"

CSDC_NAME = "Qendra për Zhvillimin e Shoqërisë Civile"
IRSH_NAME = "Intelektualët e Rinj Shpresë"

MUNICIPALITIES = [
    ("tirane", "Tiranë"),
    ("durres", "Durrës"),
    ("vlore", "Vlorë"),
    ("kamez", "Kamëz"),
    ("fier", "Fier"),
    ("shkoder", "Shkodër"),
    ("puke", "Pukë"),
    ("kukes", "Kukës"),
    ("pogradec", "Pogradec"),
    ("korce", "Korçë"),
    ("vau-i-dejes", "Vau i Dejës"),
    ("elbasan", "Elbasan"),
]

# The network's members, as the bulletin lists them (one per municipality).
NAMED_ORGANIZATIONS = {
    "tirane": ("agz-tirane", "Qendra Aleanca Gjinore për Zhvillim"),
    "durres": ("csdc-durres", CSDC_NAME),
    "vlore": ("qrv-vlore", "Qendra Rinore Vlorë"),
    "kamez": ("sizi-kamez", "Shoqata për Integrimin e Zonave Informale"),
    "fier": ("epoka-e-re-fier", "Epoka e Re"),
    "shkoder": ("irsh-shkoder", IRSH_NAME),
    "puke": ("lrd-puke", "Lëvizja Rinore për Demokraci"),
    "kukes": ("qrp-kukes", "Qendra Rinore për Progres"),
    "pogradec": ("rias-pogradec", "Rinia për Integrim, Aktivizim dhe Sensibilizim"),
    "korce": ("gnz-korce", "Gruaja në Zhvillim"),
    "vau-i-dejes": ("hapa-te-lehte-vau-i-dejes", "Hapa të Lehtë"),
    "elbasan": ("tjeter-vizion-elbasan", "Tjetër Vizion"),
}

PARTIES = [
    ("Partia e Urave (demo)", "PU", "#1F6FEB"),
    ("Aleanca e Lumenjve (demo)", "AL", "#0E7490"),
    ("Partia e Fenerëve (demo)", "PF", "#D97706"),
    ("Lëvizja për Qytetin e Gjelbër (demo)", "LQGJ", "#2DA44E"),
    ("Bashkimi i Fshatrave (demo)", "BF", "#9333EA"),
]

PAST, NEXT = "2022", "next"  # which election a candidate or event belongs to

# (election, municipality, full name, party abbreviation or None for independent, office, elected)
CANDIDATES = [
    (PAST, "durres", "Elira Dervishi", "PU", Office.mayor, True),
    (PAST, "durres", "Gentian Marku", "AL", Office.mayor, False),
    (PAST, "durres", "Mirela Kola", None, Office.mayor, False),
    (PAST, "shkoder", "Arjan Kastrati", "PF", Office.mayor, False),
    (PAST, "shkoder", "Lindita Gjoni", "PU", Office.mayor, True),
    (PAST, "shkoder", "Besmir Lika", "LQGJ", Office.mayor, False),
    (NEXT, "durres", "Ermira Prifti", "PU", Office.mayor, False),
    (NEXT, "durres", "Dritan Bregu", "AL", Office.mayor, False),
    (NEXT, "durres", "Klodian Mema", None, Office.mayor, False),
    (NEXT, "durres", "Blerina Vata", "PU", Office.council, False),
    (NEXT, "durres", "Ilir Nika", "AL", Office.council, False),
    (NEXT, "shkoder", "Valbona Pllumi", "PF", Office.mayor, False),
    (NEXT, "shkoder", "Gjergj Zefi", "LQGJ", Office.mayor, False),
    (NEXT, "shkoder", "Sokol Daci", "PU", Office.mayor, False),
    (NEXT, "shkoder", "Marjana Kuka", "PF", Office.council, False),
    (NEXT, "tirane", "Anila Toska", "LQGJ", Office.mayor, False),
    (NEXT, "tirane", "Erion Cani", "PU", Office.mayor, False),
    (NEXT, "tirane", "Majlinda Hysa", "BF", Office.mayor, False),
    (NEXT, "tirane", "Ardit Sula", None, Office.council, False),
    (NEXT, "kukes", "Fatmir Halili", "BF", Office.mayor, False),
    (NEXT, "kukes", "Xhevrije Tafa", "AL", Office.mayor, False),
    (NEXT, "vlore", "Artan Muça", "AL", Office.mayor, False),
    (NEXT, "vlore", "Eriola Zeqiri", "PF", Office.mayor, False),
]


@dataclass
class EventSpec:
    """One demo event, in local time, with the candidates invited to it."""

    kind: EventKind
    title: str
    municipality: str
    organization: str
    venue: str
    day: date
    start: time
    minutes: int
    description: str
    status: EventStatus = EventStatus.scheduled
    election: str | None = None
    capacity: int | None = None
    candidates: list[tuple[str, InvitationStatus]] = field(default_factory=list)
    attendees: int | None = None
    summary: str | None = None
    participants: str | None = None
    cancel_reason: str | None = None


ATTENDED = InvitationStatus.attended
CONFIRMED = InvitationStatus.confirmed
INVITED = InvitationStatus.invited
DECLINED = InvitationStatus.declined

COMMUNITY_SUMMARY = (
    "U diskutua analiza e Raportit të vitit të dytë të monitorimit të Kontratës Sociale dhe u "
    "identifikuan prioritetet që bashkia nuk i ka adresuar ende. Pjesëmarrësit u angazhuan të "
    "advokojnë pranë pushtetit vendor për përfshirjen e tyre në projektet e bashkisë."
)
FAIR_DESCRIPTION = (
    "Rrjeti POP në panairin e Javës Evropiane 2022, organizuar nga Delegacioni i Bashkimit "
    "Evropian në Shqipëri. Pjesëmarrja u mundësua nga ftesa dhe mbështetja e Ambasadës Suedeze."
)
FAIR_SUMMARY = (
    "Në stendën e Rrjetit POP në pedonale shkëmbyem me qytetarët dhe grupet e interesit arritjet "
    "dhe sfidat në përmbushjen e Kontratës Sociale dhe të prioriteteve të saj në 12 bashkitë."
)


def _forum_2022(
    municipality: str, organization: str, day: date, start: time, title: str, venue: str
) -> EventSpec:
    names = [name for election, m, name, *_ in CANDIDATES if election == PAST and m == municipality]
    return EventSpec(
        kind=EventKind.forum,
        title=title,
        municipality=municipality,
        organization=organization,
        venue=venue,
        day=day,
        start=start,
        minutes=120,
        description=(
            "Kandidatët për kryetar të bashkisë prezantojnë programet e tyre para qytetarëve "
            "dhe u përgjigjen pyetjeve mbi prioritetet e Kontratës Sociale."
        ),
        status=EventStatus.held,
        election=PAST,
        candidates=[(name, ATTENDED) for name in names],
    )


def _community_2022(municipality: str, day: date, group: str, venue: str, n: int) -> EventSpec:
    return EventSpec(
        kind=EventKind.community_meeting,
        title=f"Takim me {group}: raporti i vitit të dytë të monitorimit",
        municipality=municipality,
        organization=NAMED_ORGANIZATIONS[municipality][0],
        venue=venue,
        day=day,
        start=time(17, 0),
        minutes=90,
        description=(
            "Takim me qytetarët për analizën e Raportit të vitit të dytë të monitorimit të "
            "Kontratës Sociale dhe për problematikat që duhen advokuar pranë bashkisë."
        ),
        status=EventStatus.held,
        attendees=n,
        summary=COMMUNITY_SUMMARY,
        participants=f"Qytetarë, {group}, përfaqësues të bashkisë dhe media vendore.",
    )


def _fair_2022(municipality: str, organization: str, day: date, n: int) -> EventSpec:
    name = dict(MUNICIPALITIES)[municipality]
    return EventSpec(
        kind=EventKind.fair,
        title=f"Java Evropiane 2022: stenda e Rrjetit POP në {name}",
        municipality=municipality,
        organization=organization,
        venue="Pedonalja",
        day=day,
        start=time(10, 0),
        minutes=420,
        description=FAIR_DESCRIPTION,
        status=EventStatus.held,
        attendees=n,
        summary=FAIR_SUMMARY,
        participants="Organizatat e Rrjetit POP, qytetarë dhe grupe interesi.",
    )


def past_events() -> list[EventSpec]:
    """The bulletin's events of January–June 2022, all held and reported."""
    forums = [
        _forum_2022(
            "durres",
            "csdc-durres",
            date(2022, 2, 9),
            time(18, 0),
            "Forum publik: Kontrata Sociale dhe prioritetet e Durrësit",
            "Salla e Këshillit Bashkiak",
        ),
        _forum_2022(
            "durres",
            "csdc-durres",
            date(2022, 2, 17),
            time(18, 0),
            "Forum publik: të rinjtë dhe punësimi në Durrës",
            "Qendra Kulturore",
        ),
        _forum_2022(
            "durres",
            "csdc-durres",
            date(2022, 2, 24),
            time(18, 0),
            "Forum publik: uji, mbetjet dhe mjedisi në Durrës",
            "Biblioteka Publike",
        ),
        _forum_2022(
            "shkoder",
            "irsh-shkoder",
            date(2022, 2, 16),
            time(18, 0),
            "Forum publik me kandidatët për kryetar të Bashkisë Shkodër",
            "Salla e Këshillit Bashkiak",
        ),
        _forum_2022(
            "shkoder",
            "irsh-shkoder",
            date(2022, 3, 2),
            time(17, 30),
            "Forum publik: rrugët, përmbytjet dhe transparenca në Shkodër",
            "Qendra Kulturore",
        ),
    ]
    reports = [
        (
            92,
            "Tre kandidatët prezantuan programet e tyre dhe iu përgjigjën pyetjeve për rrugët, "
            "ujin dhe mbetjet; u diskutua përfshirja e Kontratës Sociale në planin e punës.",
        ),
        (
            74,
            "Të rinjtë pyetën për punësimin, praktikat profesionale dhe hapësirat rinore; "
            "kandidatët u zotuan të takohen sërish me grupet rinore pas zgjedhjeve.",
        ),
        (
            81,
            "Qytetarët ngritën furnizimin me ujë, grumbullimin e mbetjeve dhe gjelbërimin; "
            "kandidatët u pyetën për afate dhe buxhet konkret.",
        ),
        (
            88,
            "Kandidatët prezantuan programet për Shkodrën dhe iu përgjigjën pyetjeve mbi "
            "prioritetet e Kontratës Sociale që nuk janë adresuar ende.",
        ),
        (
            96,
            "Qytetarët pyetën për mbrojtjen nga përmbytjet, rrugët rurale dhe publikimin e "
            "vendimeve të këshillit; kandidatët u angazhuan për seanca dëgjimore të rregullta.",
        ),
    ]
    for spec, (attendees, summary) in zip(forums, reports, strict=True):
        spec.attendees = attendees
        spec.summary = summary
        spec.participants = (
            "Kandidatët për kryetar: "
            + ", ".join(name for name, _status in spec.candidates)
            + "; qytetarë, grupe interesi dhe media vendore."
        )
    fairs = [  # the bulletin: over 1,000 citizens visited the stands across the three fairs
        _fair_2022("shkoder", "irsh-shkoder", date(2022, 5, 3), 310),
        _fair_2022("vlore", NAMED_ORGANIZATIONS["vlore"][0], date(2022, 5, 5), 330),
        _fair_2022("tirane", NAMED_ORGANIZATIONS["tirane"][0], date(2022, 5, 9), 370),
    ]
    community = [
        _community_2022("fier", date(2022, 1, 26), "të rinjtë", "Biblioteka e qytetit", 28),
        _community_2022("korce", date(2022, 2, 23), "grupet e grave", "Qendra Kulturore", 35),
        _community_2022(
            "kamez", date(2022, 3, 16), "banorët e lagjeve", "Salla e Këshillit Bashkiak", 24
        ),
        _community_2022("puke", date(2022, 4, 13), "biznesin vendor", "Salla e Bashkisë", 18),
        _community_2022("elbasan", date(2022, 5, 18), "median vendore", "Biblioteka Publike", 31),
        _community_2022("pogradec", date(2022, 6, 15), "të rinjtë", "Qendra Kulturore", 26),
    ]
    return forums + fairs + community


def upcoming_events(today: date) -> list[EventSpec]:
    """Events of the coming weeks, before the next local election."""

    def day(n: int) -> date:
        return today + timedelta(days=n)

    forum = EventKind.forum
    return [
        EventSpec(
            forum,
            "Forum publik me kandidatët për kryetar të Bashkisë Durrës",
            "durres",
            "csdc-durres",
            "Salla e Këshillit Bashkiak",
            day(14),
            time(18, 0),
            120,
            "Kandidatët prezantojnë programet e tyre dhe u përgjigjen pyetjeve të qytetarëve "
            "mbi prioritetet e Kontratës Sociale të Durrësit.",
            election=NEXT,
            capacity=120,
            candidates=[
                ("Ermira Prifti", CONFIRMED),
                ("Dritan Bregu", CONFIRMED),
                ("Klodian Mema", INVITED),
            ],
        ),
        EventSpec(
            EventKind.meeting,
            "Takim individual – Dritan Bregu",
            "durres",
            "csdc-durres",
            "Zyra e Qendrës për Zhvillimin e Shoqërisë Civile",
            day(16),
            time(18, 0),
            60,
            "Takim i organizatës me kandidatin për të diskutuar prioritetet e qytetarëve.",
            status=EventStatus.cancelled,
            election=NEXT,
            candidates=[("Dritan Bregu", INVITED)],
            cancel_reason="Salla nuk është e lirë në këtë datë; takimi do të riplanifikohet "
            "dhe data e re do të njoftohet këtu.",
        ),
        EventSpec(
            forum,
            "Forum publik me kandidatët për kryetar të Bashkisë Shkodër",
            "shkoder",
            "irsh-shkoder",
            "Qendra Kulturore",
            day(18),
            time(18, 0),
            120,
            "Qytetarët e Shkodrës pyesin kandidatët për rrugët, mbrojtjen nga përmbytjet dhe "
            "transparencën e bashkisë.",
            election=NEXT,
            capacity=80,
            candidates=[
                ("Valbona Pllumi", CONFIRMED),
                ("Gjergj Zefi", DECLINED),
                ("Sokol Daci", INVITED),
            ],
        ),
        EventSpec(
            EventKind.meeting,
            "Takim individual – Anila Toska",
            "tirane",
            NAMED_ORGANIZATIONS["tirane"][0],
            "Biblioteka Publike",
            day(21),
            time(18, 30),
            60,
            "Takim individual me kandidaten për kryetare: programi për transportin publik "
            "dhe hapësirat e gjelbra.",
            election=NEXT,
            candidates=[("Anila Toska", CONFIRMED)],
        ),
        EventSpec(
            EventKind.community_meeting,
            "Takim me grupet qytetare: çfarë duhet të premtojnë kandidatët për Kukësin?",
            "kukes",
            NAMED_ORGANIZATIONS["kukes"][0],
            "Salla e Këshillit Bashkiak",
            day(25),
            time(17, 30),
            90,
            "Qytetarët dhe grupet e interesit zgjedhin pyetjet që do u bëhen kandidatëve në "
            "forumin publik.",
            election=NEXT,
            capacity=40,
        ),
        EventSpec(
            forum,
            "Forum publik me kandidatët për Këshillin Bashkiak të Durrësit",
            "durres",
            "csdc-durres",
            "Qendra Kulturore",
            day(28),
            time(18, 0),
            120,
            "Kandidatët për këshilltarë bashkiakë flasin për mënyrën si do të mbikëqyrin "
            "zbatimin e Kontratës Sociale.",
            election=NEXT,
            candidates=[("Blerina Vata", CONFIRMED), ("Ilir Nika", INVITED)],
        ),
        EventSpec(
            EventKind.fair,
            "Panairi i shoqërisë civile: stenda e Rrjetit POP në Vlorë",
            "vlore",
            NAMED_ORGANIZATIONS["vlore"][0],
            "Pedonalja",
            day(30),
            time(17, 0),
            240,
            "Ejani në stendën tonë: njihuni me Kontratën Sociale dhe lini pyetjet tuaja për "
            "kandidatët.",
        ),
        EventSpec(
            forum,
            "Forum publik me kandidatët për kryetar të Bashkisë Tiranë",
            "tirane",
            NAMED_ORGANIZATIONS["tirane"][0],
            "Salla e Këshillit Bashkiak",
            day(35),
            time(18, 0),
            150,
            "Kandidatët për kryetar të Tiranës përballen me pyetjet e qytetarëve për "
            "transportin, mbetjet dhe strehimin.",
            election=NEXT,
            capacity=120,
            candidates=[
                ("Anila Toska", INVITED),
                ("Erion Cani", CONFIRMED),
                ("Majlinda Hysa", CONFIRMED),
            ],
        ),
        EventSpec(
            forum,
            "Forum publik me kandidatët për Vlorën",
            "vlore",
            NAMED_ORGANIZATIONS["vlore"][0],
            "Qendra Kulturore",
            day(38),
            time(18, 0),
            120,
            "Në përgatitje: data dhe salla do të konfirmohen pas përgjigjes së kandidatëve.",
            status=EventStatus.draft,
            election=NEXT,
            capacity=100,
            candidates=[("Artan Muça", INVITED), ("Eriola Zeqiri", INVITED)],
        ),
        EventSpec(
            forum,
            "Forum publik me kandidatët për kryetar të Bashkisë Kukës",
            "kukes",
            NAMED_ORGANIZATIONS["kukes"][0],
            "Qendra Kulturore",
            day(40),
            time(18, 0),
            120,
            "Kandidatët për kryetar të Kukësit u përgjigjen pyetjeve të mbledhura në takimet "
            "me grupet qytetare.",
            election=NEXT,
            capacity=80,
            candidates=[("Fatmir Halili", CONFIRMED), ("Xhevrije Tafa", INVITED)],
        ),
    ]


def credentials_text() -> str:
    """The demo sign-ins, as printed by `pop-forums seed-demo`."""
    return (
        f"Demo sign-in — admin: {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}; "
        f"organizer ({CSDC_NAME}, Durrës): {DEMO_ORGANIZER_EMAIL} / {DEMO_ORGANIZER_PASSWORD}"
        f"\n  {portal_link_text()}"
    )


# --- what the 2022 candidates promised at the forums (issue 11) ------------------------------

FORUM_DURRES_PRIORITIES = "Forum publik: Kontrata Sociale dhe prioritetet e Durrësit"
FORUM_DURRES_YOUTH = "Forum publik: të rinjtë dhe punësimi në Durrës"
FORUM_DURRES_WATER = "Forum publik: uji, mbetjet dhe mjedisi në Durrës"
FORUM_SHKODER_CANDIDATES = "Forum publik me kandidatët për kryetar të Bashkisë Shkodër"
FORUM_SHKODER_ROADS = "Forum publik: rrugët, përmbytjet dhe transparenca në Shkodër"


@dataclass
class CommitmentSpec:
    """A demo commitment: who promised what at which 2022 forum, and how the candidate answered
    (None: not yet; "confirmed"; or "disputed" with `proposed`, their own wording)."""

    event: str
    candidate: str
    topic: str | None
    text: str
    target: str | None = None
    deadline: date | None = None
    answer: str | None = None
    proposed: str | None = None
    answered_after_days: int = 3


COMMITMENTS_2022 = [
    CommitmentSpec(
        FORUM_DURRES_PRIORITIES,
        "Elira Dervishi",
        "water",
        "Brenda dy viteve të para çdo lagje e Durrësit do të ketë ujë të pijshëm 24 orë në ditë.",
        target="Ujë 24 orë në ditë në të gjitha lagjet e qytetit",
        deadline=date(2024, 3, 31),
        answer="confirmed",
    ),
    CommitmentSpec(
        FORUM_DURRES_PRIORITIES,
        "Gentian Marku",
        "transparency",
        "Çdo mbledhje e Këshillit Bashkiak do të transmetohet drejtpërdrejt dhe vendimet do të "
        "botohen brenda tri ditëve.",
        target="100% e mbledhjeve të transmetuara; vendimet online brenda 3 ditëve",
        answer="confirmed",
    ),
    CommitmentSpec(
        FORUM_DURRES_PRIORITIES,
        "Mirela Kola",
        "social_care",
        "Do të hap një qendër ditore për të moshuarit në lagjen Shkozë.",
        deadline=date(2023, 12, 31),
    ),
    CommitmentSpec(
        FORUM_DURRES_YOUTH,
        "Elira Dervishi",
        "youth",
        "Do të krijoj një fond prej 20 milionë lekësh në vit për nismat e të rinjve.",
        target="20 milionë lekë në vit, të paktën 30 nisma të financuara",
        deadline=date(2023, 6, 30),
        answer="disputed",
        proposed="Do të krijoj një fond prej 10 milionë lekësh në vit për nismat e të rinjve, "
        "duke e rritur çdo vit.",
    ),
    CommitmentSpec(
        FORUM_DURRES_YOUTH,
        "Gentian Marku",
        "economy",
        "Bashkia do të ofrojë 200 vende praktike të paguara për studentët çdo verë.",
        target="200 praktika të paguara në vit",
        answer="confirmed",
    ),
    CommitmentSpec(
        FORUM_DURRES_YOUTH,
        "Mirela Kola",
        "culture",
        "Fushat sportive të shkollave do të jenë të hapura për të rinjtë edhe pasdite dhe në "
        "fundjavë.",
    ),
    CommitmentSpec(
        FORUM_DURRES_WATER,
        "Elira Dervishi",
        "waste",
        "Do të vendosim kosha të diferencuar në çdo lagje dhe do të nisim riciklimin e plastikës.",
        target="Kosha të diferencuar në 100% të lagjeve",
        deadline=date(2023, 9, 30),
        answer="confirmed",
    ),
    CommitmentSpec(
        FORUM_DURRES_WATER,
        "Gentian Marku",
        "environment",
        "Plazhi i Currilave do të pastrohet dhe do të mbahet pastër gjatë gjithë vitit.",
    ),
    CommitmentSpec(
        FORUM_SHKODER_CANDIDATES,
        "Lindita Gjoni",
        "roads",
        "Do të rikonstruktoj rrugën e Bahçallëkut me trotuare dhe korsi biçikletash.",
        target="2,5 km rrugë me trotuare dhe korsi biçikletash",
        deadline=date(2024, 6, 30),
        answer="confirmed",
    ),
    CommitmentSpec(
        FORUM_SHKODER_CANDIDATES,
        "Arjan Kastrati",
        "education",
        "Çdo shkollë e qytetit do të ketë ngrohje qendrore para dimrit të ardhshëm.",
        deadline=date(2022, 11, 30),
    ),
    CommitmentSpec(
        FORUM_SHKODER_CANDIDATES,
        "Besmir Lika",
        "transparency",
        "Buxheti i bashkisë do të diskutohet çdo vit me qytetarët në secilën njësi administrative.",
        target="Dëgjesa publike për buxhetin në të gjitha njësitë administrative",
    ),
    CommitmentSpec(
        FORUM_SHKODER_ROADS,
        "Lindita Gjoni",
        "environment",
        "Do të pastrojmë kanalet kulluese të Shirokës dhe Zogajt para sezonit të shirave, çdo vit.",
        target="Të gjitha kanalet kulluese të pastruara çdo tetor",
        answer="confirmed",
    ),
    CommitmentSpec(
        FORUM_SHKODER_ROADS,
        "Arjan Kastrati",
        "roads",
        "Rruga që lidh Dobraçin me qytetin do të asfaltohet brenda vitit të parë.",
        target="4 km rrugë e asfaltuar",
        deadline=date(2023, 3, 31),
    ),
    CommitmentSpec(
        FORUM_SHKODER_ROADS,
        "Besmir Lika",
        "urban_planning",
        "Asnjë leje ndërtimi nuk do të jepet në zonat e përmbytura pa studim hidrologjik.",
    ),
]
