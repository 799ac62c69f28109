"""Demo data of the 2022 social contracts of Durrës and Shkodër (the bulletin's "two new social
contracts"): the community meetings where citizens raised the issues before the campaign, the
contracts' priorities and points, and the candidates' signatures at their forums.

A priority names its sources: commitments by (candidate, topic) in COMMITMENTS_2022, questions by
their place in the municipality's community meeting.
"""

from dataclasses import dataclass, field
from datetime import date, time

from app.demo.data import (
    FORUM_DURRES_PRIORITIES,
    FORUM_DURRES_YOUTH,
    FORUM_SHKODER_CANDIDATES,
    FORUM_SHKODER_ROADS,
)


@dataclass
class MeetingSpec:
    """A community meeting of December 2021 and the citizens' questions voted at it."""

    municipality: str
    organization: str
    title: str
    venue: str
    day: date
    attendees: int
    summary: str
    questions: list[tuple[str, str, int]]  # (topic, body, votes)
    start: time = time(17, 30)


@dataclass
class PrioritySpec:
    title: str
    topic: str | None
    description: str
    points: list[str]
    commitments: list[tuple[str, str]] = field(default_factory=list)  # (candidate, topic)
    questions: list[int] = field(default_factory=list)  # places in the meeting's questions
    by_hand: bool = False


@dataclass
class SignatureSpec:
    candidate: str
    event: str  # the forum's title
    reason: str | None = None  # given: the candidate declined


@dataclass
class ContractSpec:
    municipality: str
    organization: str
    title: str
    introduction: str
    priorities: list[PrioritySpec]
    signatures: list[SignatureSpec]
    adoption: tuple[str, date] | None = None  # council decision number, date


TERM_START = date(2022, 3, 7)  # the day after the partial local elections of 6 March 2022
TERM_END = date(2027, 6, 30)  # until the next local elections, in 2027

MEETINGS = [
    MeetingSpec(
        "durres",
        "csdc-durres",
        "Takim me banorët: prioritetet e Durrësit për Kontratën Sociale",
        "Njësia Administrative Shkozë",
        date(2021, 12, 8),
        46,
        "Banorët vlerësuan shërbimet e bashkisë dhe votuan çështjet kryesore: uji, mbetjet, "
        "transparenca e këshillit, punësimi i të rinjve dhe kujdesi për të moshuarit.",
        [
            (
                "water",
                "Pse lagjja Shkozë ka ujë vetëm dy orë në ditë dhe kur do të ndryshojë kjo?",
                38,
            ),
            (
                "waste",
                "Kazanët e mbeturinave në Spitallë zbrazen një herë në javë. Kush e kontrollon?",
                31,
            ),
            (
                "transparency",
                "A mund t'i ndjekim mbledhjet e Këshillit Bashkiak drejtpërdrejt?",
                24,
            ),
            ("youth", "Ku mund të bëjnë praktikë të paguar studentët e Durrësit në bashki?", 22),
            (
                "social_care",
                "Të moshuarit e vetmuar nuk kanë ku të kalojnë ditën. A do të ketë qendër ditore?",
                19,
            ),
            (
                "roads",
                "Rruga për te shkolla 'Naim Frashëri' nuk ka trotuar; fëmijët ecin në rrugë.",
                27,
            ),
        ],
    ),
    MeetingSpec(
        "shkoder",
        "irsh-shkoder",
        "Takim me banorët: prioritetet e Shkodrës për Kontratën Sociale",
        "Qendra Rinore, Shkodër",
        date(2021, 12, 14),
        39,
        "Qytetarët renditën si më të ngutshme mbrojtjen nga përmbytjet, rrugët e lagjeve dhe "
        "ngrohjen e shkollave; të rinjtë kërkuan hapësira dhe publikimin e vendimeve.",
        [
            (
                "environment",
                "Çdo dimër Shiroka dhe Zogaj përmbyten. Kur do të pastrohen kanalet?",
                41,
            ),
            ("roads", "Rruga e Bahçallëkut është e rrezikshme për këmbësorët dhe biçikletat.", 29),
            (
                "education",
                "Në shumë shkolla fëmijët rrinë me pallto në klasë. Kur do të ketë ngrohje?",
                33,
            ),
            ("transparency", "Pse vendimet e këshillit botohen me javë vonesë?", 17),
            (
                "youth",
                "Të rinjtë e Shkodrës nuk kanë një qendër ku të takohen dhe të organizohen.",
                21,
            ),
        ],
    ),
]

DURRES = ContractSpec(
    "durres",
    "csdc-durres",
    "Kontrata Sociale Durrës 2022–2027",
    "Kjo Kontratë Sociale mbledh prioritetet që qytetarët e Durrësit ngritën dhe votuan në "
    "takimet me komunitetin, të paraqitura kandidatëve për kryetar në forumet publike të "
    "shkurtit 2022.\n\nDuke e nënshkruar, kandidati merr përsipër moralisht që, nëse zgjidhet, "
    "t'i përfshijë këto prioritete në planin e punës së bashkisë. Qendra për Zhvillimin e "
    "Shoqërisë Civile do të monitorojë çdo vit zbatimin e tyre dhe do t'ua paraqesë rezultatet "
    "qytetarëve dhe bashkisë.",
    [
        PrioritySpec(
            "Ujë i pijshëm 24 orë në ditë në çdo lagje",
            "water",
            "Furnizimi me ujë është shqetësimi i parë i banorëve, sidomos në lagjet periferike.",
            [
                "Bashkia publikon brenda 6 muajve hartën dhe oraret e furnizimit për çdo lagje.",
                "Zëvendësohet rrjeti i amortizuar në Shkozë, Spitallë dhe Porto Romano.",
                "Brenda vitit 2024 të gjitha lagjet e qytetit kanë ujë 24 orë në ditë.",
                "Hapet një linjë falas për defektet, me përgjigje brenda 24 orëve.",
            ],
            commitments=[("Elira Dervishi", "water")],
            questions=[0],
        ),
        PrioritySpec(
            "Mbetjet e diferencuara dhe plazhe të pastra",
            "waste",
            "Grumbullimi i rregullt dhe i diferencuar i mbetjeve në të gjitha njësitë "
            "administrative.",
            [
                "Kosha të diferencuar në çdo lagje brenda shtatorit 2023.",
                "Grumbullim i mbetjeve të paktën tri herë në javë në çdo lagje.",
                "Nisja e riciklimit të plastikës me pika grumbullimi në shkolla.",
                "Plazhi i Currilave pastrohet dhe mirëmbahet gjatë gjithë vitit.",
            ],
            commitments=[("Elira Dervishi", "waste"), ("Gentian Marku", "environment")],
            questions=[1],
        ),
        PrioritySpec(
            "Këshill Bashkiak i hapur për qytetarët",
            "transparency",
            "Qytetarët duan të dinë çfarë vendoset në emër të tyre dhe kur.",
            [
                "Çdo mbledhje e Këshillit Bashkiak transmetohet drejtpërdrejt.",
                "Vendimet botohen në faqen e bashkisë brenda tri ditëve.",
                "Dëgjesë publike për buxhetin në çdo njësi administrative, çdo vit.",
            ],
            commitments=[("Gentian Marku", "transparency")],
            questions=[2],
        ),
        PrioritySpec(
            "Punësimi dhe nismat e të rinjve",
            "youth",
            "Të rinjtë e Durrësit kërkojnë praktika, mbështetje për nismat e tyre dhe hapësira.",
            [
                "Fond vjetor për nismat e të rinjve, i shpallur me konkurs të hapur.",
                "200 vende praktike të paguara çdo verë për studentët.",
                "Fushat sportive të shkollave të hapura pasdite dhe në fundjavë.",
            ],
            commitments=[
                ("Elira Dervishi", "youth"),
                ("Gentian Marku", "economy"),
                ("Mirela Kola", "culture"),
            ],
            questions=[3],
        ),
        PrioritySpec(
            "Kujdes për të moshuarit",
            "social_care",
            "Shërbime ditore dhe në shtëpi për të moshuarit e vetmuar.",
            [
                "Hapet një qendër ditore për të moshuarit në lagjen Shkozë.",
                "Shërbim kujdesi në shtëpi për të moshuarit e vetmuar, me regjistër publik.",
            ],
            commitments=[("Mirela Kola", "social_care")],
            questions=[4],
        ),
        PrioritySpec(
            "Rrugë të sigurta për fëmijët drejt shkollës",
            "roads",
            "Trotuare, vendkalime dhe ndriçim pranë shkollave.",
            [
                "Trotuare dhe vendkalime të sinjalizuara pranë çdo shkolle të qytetit.",
                "Ndriçim rrugor në rrugët që të çojnë te shkollat.",
                "Polic bashkiak në hyrje dhe dalje të shkollave më të ngarkuara.",
            ],
            questions=[5],
        ),
    ],
    [
        SignatureSpec("Elira Dervishi", FORUM_DURRES_PRIORITIES),
        SignatureSpec("Gentian Marku", FORUM_DURRES_PRIORITIES),
        SignatureSpec(
            "Mirela Kola",
            FORUM_DURRES_YOUTH,
            reason="Si kandidate e pavarur nuk nënshkruaj afate që nuk i kam verifikuar me "
            "buxhetin e bashkisë; prioritetet i kam përfshirë në programin tim.",
        ),
    ],
    adoption=("48", date(2022, 7, 28)),
)

SHKODER = ContractSpec(
    "shkoder",
    "irsh-shkoder",
    "Kontrata Sociale Shkodër 2022–2027",
    "Prioritetet e kësaj Kontrate Sociale u ngritën dhe u votuan nga qytetarët e Shkodrës në "
    "takimet me komunitetin dhe iu paraqitën kandidatëve për kryetar në forumet publike.\n\n"
    "Kandidatët që e nënshkruajnë marrin përsipër t'i zbatojnë nëse zgjidhen. Intelektualët e "
    "Rinj Shpresë do ta monitorojnë zbatimin e saj gjatë gjithë mandatit.",
    [
        PrioritySpec(
            "Mbrojtja nga përmbytjet",
            "environment",
            "Shiroka, Zogaj dhe lagjet buzë liqenit përmbyten pothuajse çdo dimër.",
            [
                "Kanalet kulluese të Shirokës dhe Zogajt pastrohen çdo tetor.",
                "Plan emergjence për përmbytjet, i publikuar dhe i njohur nga banorët.",
                "Asnjë leje ndërtimi në zonat e përmbytura pa studim hidrologjik.",
            ],
            commitments=[("Lindita Gjoni", "environment"), ("Besmir Lika", "urban_planning")],
            questions=[0],
        ),
        PrioritySpec(
            "Rrugë të sigurta në qytet dhe në fshatra",
            "roads",
            "Rrugët e lagjeve dhe ato që lidhin fshatrat me qytetin.",
            [
                "Rikonstruktohet rruga e Bahçallëkut me trotuare dhe korsi biçikletash.",
                "Asfaltohet rruga që lidh Dobraçin me qytetin.",
                "Mirëmbajtje dimërore e rrugëve rurale me plan të publikuar.",
            ],
            commitments=[("Lindita Gjoni", "roads"), ("Arjan Kastrati", "roads")],
            questions=[1],
        ),
        PrioritySpec(
            "Shkolla të ngrohta",
            "education",
            "Asnjë fëmijë në klasë të ftohtë.",
            [
                "Ngrohje në çdo shkollë të qytetit para dimrit.",
                "Auditim i energjisë në shkollat më të vjetra dhe plan riparimi.",
            ],
            commitments=[("Arjan Kastrati", "education")],
            questions=[2],
        ),
        PrioritySpec(
            "Vendime të hapura dhe buxhet me pjesëmarrje",
            "transparency",
            "Qytetarët marrin pjesë në vendimet dhe i lexojnë ato në kohë.",
            [
                "Buxheti diskutohet çdo vit me qytetarët në secilën njësi administrative.",
                "Vendimet e këshillit botohen brenda një jave.",
            ],
            commitments=[("Besmir Lika", "transparency")],
            questions=[3],
        ),
        PrioritySpec(
            "Një qendër për të rinjtë",
            "youth",
            "Hapësirë e hapur për takime, kurse dhe aktivitete të grupeve rinore.",
            [
                "Një godinë publike e papërdorur kthehet në qendër rinore.",
                "Grupet rinore e administrojnë qendrën bashkë me bashkinë.",
            ],
            by_hand=True,
        ),
    ],
    [
        SignatureSpec("Lindita Gjoni", FORUM_SHKODER_CANDIDATES),
        SignatureSpec("Arjan Kastrati", FORUM_SHKODER_CANDIDATES),
        SignatureSpec("Besmir Lika", FORUM_SHKODER_ROADS),
    ],
)

CONTRACTS = [DURRES, SHKODER]
