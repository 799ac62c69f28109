"""Demo data of the yearly monitoring: the 2019 local elections (30 June 2019, term 2019–2023),
the social contracts of four municipalities then, and what became of their priorities.

The candidates are invented. The statuses are chosen so the network's figures land on its own:
year 1 of the 2019 contracts 17% fully, 58% partially, 25% not addressed (4, 14 and 6 of 24
priorities); over the term's nine rounds 41 of 55 assessments addressed (74.5%).
"""

from dataclasses import dataclass, field
from datetime import date

F, P, N = "fully_addressed", "partially_addressed", "not_addressed"

ELECTION_2019 = "Zgjedhjet vendore 2019"
ELECTION_2019_DATE = date(2019, 6, 30)


@dataclass
class DemoPriority:
    title: str
    points: list[str]
    statuses: list[str]  # one per round, oldest first


@dataclass
class DemoContract:
    municipality: str  # slug
    mayor: str
    party: str
    first_month: int  # the rounds run from the 1st of this month: 8 (Aug–Aug) or 9 (Sep–Sep)
    priorities: list[DemoPriority]
    replies: dict[tuple[int, int], str] = field(default_factory=dict)  # (round, priority) → text
    meeting: tuple[str, str, int] = ("", "", 0)  # group, venue, citizens: year 1's focus group


CONTRACTS_2019 = [
    DemoContract(
        "tirane",
        "Besnik Hoxha",
        "PU",
        9,
        [
            DemoPriority(
                "Transporti publik dhe lëvizshmëria",
                [
                    "Linja të reja autobusi drejt Kasharit dhe Dajtit",
                    "Korsi biçikletash në Unazën e Mesme",
                ],
                [P, P, F],
            ),
            DemoPriority(
                "Cilësia e ajrit dhe hapësirat e gjelbra",
                ["Mbjellja e 5 000 pemëve në lagje", "Matje publike e cilësisë së ajrit çdo muaj"],
                [P, F, F],
            ),
            DemoPriority(
                "Çerdhe dhe kopshte publike",
                ["Dy kopshte të reja në Njësinë 5 dhe 11", "Orari i zgjatur deri në 18:00"],
                [N, P, P],
            ),
            DemoPriority(
                "Strehimi social për familjet në nevojë",
                ["Programi i banesave me qira sociale", "Bonusi i qirasë për 500 familje"],
                [N, N, N],
            ),
            DemoPriority(
                "Punësimi i të rinjve",
                ["Praktika të paguara në bashki", "Qendër këshillimi për punë"],
                [P, P, N],
            ),
            DemoPriority(
                "Transparenca e buxhetit vendor",
                ["Buxheti i publikuar në formë të hapur", "Dëgjesa publike para miratimit"],
                [F, F, F],
            ),
            DemoPriority(
                "Aksesi për personat me aftësi të kufizuara",
                ["Rampa në të gjitha shkollat", "Autobusë me platformë"],
                [P, N, P],
            ),
        ],
        replies={
            (1, 4): "Bashkia po harton programin e strehimit social 2021–2023; fondi do të "
            "propozohet në buxhetin e vitit të ardhshëm.",
        },
        meeting=("grupet e grave", "Qendra Komunitare e Kombinatit", 34),
    ),
    DemoContract(
        "kukes",
        "Ilir Shehu",
        "BF",
        8,
        [
            DemoPriority(
                "Ujë i pijshëm në fshatrat e Kukësit",
                ["Ujësjellësi i Bicajt", "Depozitat e Shtiqënit"],
                [P, F],
            ),
            DemoPriority(
                "Rrugët rurale",
                ["Asfaltimi i rrugës Kukës–Surroj", "Mirëmbajtja në dimër"],
                [P, P],
            ),
            DemoPriority(
                "Shërbimi shëndetësor parësor",
                ["Mjek familje në çdo njësi administrative"],
                [N, P],
            ),
            DemoPriority(
                "Mbështetje për bujqit dhe blegtorët",
                ["Skema e grantit për fermat e vogla", "Pika grumbullimi për qumështin"],
                [P, N],
            ),
            DemoPriority(
                "Qendër rinore që të rinjtë të mos largohen",
                ["Qendra rinore në qytet", "Kurse profesionale falas"],
                [N, N],
            ),
            DemoPriority(
                "Grumbullimi i mbetjeve",
                ["Kosha të rinj në lagje", "Grumbullim dy herë në javë në fshatra"],
                [F, F],
            ),
        ],
        replies={
            (2, 5): "Projekti i qendrës rinore është në pritje të financimit nga Fondi Shqiptar "
            "i Zhvillimit.",
        },
        meeting=("të rinjtë", "Biblioteka e qytetit", 27),
    ),
    DemoContract(
        "korce",
        "Majlinda Papa",
        "PF",
        9,
        [
            DemoPriority(
                "Ngrohja e shkollave dhe kopshteve",
                ["Kaldaja të reja në 12 shkolla"],
                [F, F],
            ),
            DemoPriority(
                "Turizmi dhe qendra historike",
                ["Restaurimi i Pazarit të Vjetër", "Zyrë informacioni turistik"],
                [P, F],
            ),
            DemoPriority(
                "Parkimi dhe trafiku në qendër",
                ["Parkim shumëkatësh", "Zonë këmbësorësh në bulevard"],
                [P, P],
            ),
            DemoPriority(
                "Punësimi i grave",
                ["Kurse për sipërmarrjen e grave", "Çerdhe pranë zonës industriale"],
                [P, P],
            ),
            DemoPriority(
                "Kanalizimet në lagjet periferike",
                ["Rrjeti i ri në lagjen 18"],
                [N, N],
            ),
            DemoPriority(
                "Shërbimet për të moshuarit",
                ["Qendër ditore për të moshuarit", "Shërbim në shtëpi"],
                [P, F],
            ),
        ],
        meeting=("të moshuarit", "Qendra Kulturore", 29),
    ),
    DemoContract(
        "vlore",
        "Dorian Leka",
        "AL",
        8,
        [
            DemoPriority(
                "Bregdeti dhe plazhet publike",
                ["Plazhe publike të pastra dhe me shpëtimtarë", "Hyrje e lirë në bregdet"],
                [P, P],
            ),
            DemoPriority(
                "Ujë gjatë verës",
                ["Furnizim 24 orë në Lungomare", "Rezervuari i Sodës"],
                [N, P],
            ),
            DemoPriority(
                "Rikualifikimi i lagjes Uji i Ftohtë",
                ["Rruga dhe trotuaret", "Ndriçimi publik"],
                [P, F],
            ),
            DemoPriority(
                "Transport publik drejt Orikumit",
                ["Linjë çdo 30 minuta gjatë verës"],
                [P, N],
            ),
            DemoPriority(
                "Qendër kulturore për të rinjtë",
                ["Salla e koncerteve dhe provave"],
                [F, P],
            ),
        ],
        meeting=("biznesi vendor", "Salla e Këshillit Bashkiak", 22),
    ),
]

# one correction: Korçë, year 1, priority 2 was first assessed as not addressed
CORRECTION = (
    "korce",
    1,
    2,
    N,
    "Bashkia dërgoi kontratën e restaurimit të Pazarit, të nënshkruar në korrik 2020: "
    "vlerësimi ndryshoi nga i paadresuar në pjesërisht i adresuar.",
)

EVIDENCE = {
    F: "Realizuar: {point}. E verifikuar nga monitoruesit e rrjetit në terren dhe në vendimet "
    "e Këshillit Bashkiak.",
    P: "Në zbatim: {point}. Punimet kanë nisur, por nuk përfunduan brenda periudhës; fondi i "
    "miratuar mbulon vetëm një pjesë të tyre.",
    N: "Pa ecuri: {point}. Asnjë vendim, fond apo punim gjatë periudhës; bashkia nuk ktheu "
    "përgjigje në kërkesën për informim.",
}

# the 2022 partial elections' contracts (seeded with the contracts): one round each
ROUND_2022 = "Viti 1"
STATUSES_2022 = [P, F, N, P, P, F, N, P]
