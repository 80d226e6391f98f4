"""What the demo's minutes say, as tables: one story per advice, and which advice fits a ground.

An advice and a decision that contradict each other ("Advies: aanhouden" beside "Besluit: start
terugleiding") would teach a new user the wrong thing, so every text of a demo minutes entry is
a function of its advice: the notes lead up to the advice, the decision carries it out, the next
review follows from the decision ("evaluatie na zes weken" is six weeks on), and alternatives
are weighed only before an exemption is advised (Lpw art. 5 with art. 7: "niet het afvoerputje").
The advice itself follows from the case's ground: an exemption is advised only for art. 5 onder
a, where the art. 7 statement carries it; a thuiszitter is led back to school.
"""

from __future__ import annotations

from dataclasses import dataclass

from casusoverleg.domain.enums import Advice, Alternative, ExemptionGround


@dataclass(frozen=True)
class AdviceStory:
    """The texts of one demo minutes entry with this advice, and what follows from it."""

    notes: str
    decision: str
    review_weeks: int  # the next review, counted from the meeting
    action: str  # the action agreed on the item
    alternatives: tuple[Alternative, ...] = ()  # weighed first: only for an exemption


STORIES: dict[Advice, AdviceStory] = {
    Advice.VRIJSTELLING_PASSEND: AdviceStory(
        notes=(
            "De orthopedagoog licht de verklaring toe: de belastbaarheid is zo beperkt dat "
            "onderwijs nu niet haalbaar is. Een onderwijs-zorgarrangement en een deeltijdrooster "
            "zijn besproken en lukken nu niet."
        ),
        decision=(
            "Advies aan leerplicht: vrijstelling passend voor dit schooljaar; terugkoppeling "
            "aan ouders door de casushouder."
        ),
        review_weeks=12,
        action="Ouders informeren over het advies en de jaarlijkse kennisgeving",
        alternatives=(Alternative.ONDERWIJSZORGARRANGEMENT, Alternative.DEELTIJDROOSTER),
    ),
    Advice.ONDERWIJS_ZORGARRANGEMENT: AdviceStory(
        notes=(
            "Het samenwerkingsverband ziet een passende plek met zorg in de klas; school en "
            "zorgaanbieder willen samenwerken."
        ),
        decision=(
            "Het samenwerkingsverband werkt met school een onderwijs-zorgarrangement uit; "
            "terugkoppeling in het volgende overleg."
        ),
        review_weeks=3,
        action="Mogelijkheden onderwijs-zorgarrangement verkennen",
    ),
    Advice.DEELTIJDROOSTER: AdviceStory(
        notes=(
            "Ouders en kind zijn gehoord. School ziet mogelijkheden voor een aangepast rooster "
            "met begeleiding."
        ),
        decision=(
            "Deeltijdrooster van drie ochtenden per week met begeleiding vanuit het wijkteam; "
            "evaluatie na zes weken."
        ),
        review_weeks=6,
        action="Gesprek met ouders en school plannen over het rooster",
    ),
    Advice.TERUGLEIDINGSTRAJECT: AdviceStory(
        notes=(
            "Het wijkteam heeft contact met het gezin; het kind wil weer naar school en de "
            "school heeft een mentor vrijgemaakt."
        ),
        decision=(
            "Start terugleiding met twee ochtenden per week; evaluatie in het volgende overleg."
        ),
        review_weeks=3,
        action="Terugleiding met de mentor van school afstemmen",
    ),
    Advice.AANHOUDEN: AdviceStory(
        notes=(
            "Ouders en school zijn nog niet gesproken; zonder hun beeld kan de groep nog niet "
            "adviseren."
        ),
        decision="Aanhouden; opnieuw bespreken zodra ouders en school zijn gesproken.",
        review_weeks=3,
        action="Gesprek met ouders en school voeren",
    ),
    Advice.NADER_ONDERZOEK: AdviceStory(
        notes=(
            "De orthopedagoog mist een beeld van de belastbaarheid; een psychologisch onderzoek "
            "is aangevraagd."
        ),
        decision="Over zes weken opnieuw bespreken met de uitkomst van het onderzoek.",
        review_weeks=6,
        action="Verslag van het psychologisch onderzoek opvragen",
    ),
    Advice.ANDERS: AdviceStory(
        notes=(
            "Ouders en casushouder zien geen zorg waarvoor de groep nodig is; de "
            "leerplichtambtenaar handelt de zaak verder af."
        ),
        decision="Geen verder advies van de groep; de casushouder koppelt terug aan ouders.",
        review_weeks=12,
        action="Terugkoppeling aan ouders geven",
    ),
}

# Which advice fits a case of this ground (Leerplichtwet): art. 5 onder a may lead to an
# exemption, with the art. 7 statement only (`advice_for`); 5 onder b and c rest on the
# parents' notice alone, so the group has little to add; 3a, 3b and 15 follow their own
# programme.
ADVICES: dict[ExemptionGround, tuple[Advice, ...]] = {
    ExemptionGround.ART5_A: (
        Advice.VRIJSTELLING_PASSEND,
        Advice.NADER_ONDERZOEK,
        Advice.ONDERWIJS_ZORGARRANGEMENT,
        Advice.DEELTIJDROOSTER,
    ),
    ExemptionGround.ART5_B: (Advice.ANDERS,),
    ExemptionGround.ART5_C: (Advice.ANDERS,),
    ExemptionGround.ART15: (Advice.ANDERS, Advice.ONDERWIJS_ZORGARRANGEMENT),
    ExemptionGround.ART3A: (Advice.ANDERS, Advice.ONDERWIJS_ZORGARRANGEMENT),
    ExemptionGround.ART3B: (Advice.ANDERS,),
    ExemptionGround.ART11: (
        Advice.ONDERWIJS_ZORGARRANGEMENT,
        Advice.DEELTIJDROOSTER,
        Advice.NADER_ONDERZOEK,
    ),
    ExemptionGround.THUISZITTER: (
        Advice.TERUGLEIDINGSTRAJECT,
        Advice.DEELTIJDROOSTER,
        Advice.ONDERWIJS_ZORGARRANGEMENT,
        Advice.NADER_ONDERZOEK,
    ),
    ExemptionGround.PREVENTIEF: (Advice.DEELTIJDROOSTER, Advice.ONDERWIJS_ZORGARRANGEMENT),
}

# The question put on the next agenda for a case of this ground.
QUESTIONS: dict[ExemptionGround, str] = {
    ExemptionGround.ART5_A: (
        "Is een vrijstelling passend, of is er een onderwijs-zorgarrangement mogelijk?"
    ),
    ExemptionGround.ART5_B: "Is er aanleiding om met ouders in gesprek te gaan?",
    ExemptionGround.ART5_C: "Is de inschrijving op de school in het buitenland bevestigd?",
    ExemptionGround.ART15: "Past het andere onderwijs bij wat de jongere nodig heeft?",
    ExemptionGround.ART3A: "Loopt het programma van de vervangende leerplicht zoals afgesproken?",
    ExemptionGround.ART3B: "Loopt het programma van de vervangende leerplicht zoals afgesproken?",
    ExemptionGround.ART11: "Kan een deeltijdrooster met begeleiding vanuit het wijkteam starten?",
    ExemptionGround.THUISZITTER: "Welke stap terug naar school is nu haalbaar?",
    ExemptionGround.PREVENTIEF: "Is aanvullende begeleiding nodig om uitval te voorkomen?",
}

# The amendment stated when one set of minutes was adopted (no child's name: item numbers only).
FIXED_NOTE = (
    "Bij punt 4: de school is nog niet gesproken omdat de intern begeleider ziek was; dat "
    "staat er nu bij. Met deze aanvulling vastgesteld."
)
# Why the reopened action was opened again, as said under "Actielijst".
REOPENED_DETAIL = "Bij de actielijst bleek het actiepunt nog niet uitgevoerd; het loopt door."
DONE_NOTE = "Afgerond."
OVERRUN_MINUTES = 15  # chosen for the next meeting: one more case than two hours hold

# For a 5 onder a case whose art. 7 statement is missing, the next agenda asks for it first.
STATEMENT_QUESTION = "Wanneer is de verklaring van de deskundige (art. 7) binnen?"


def question_for(ground: ExemptionGround, has_statement: bool) -> str:
    """The question put on the next agenda for a case of `ground`."""
    if ground == ExemptionGround.ART5_A and not has_statement:
        return STATEMENT_QUESTION
    return QUESTIONS[ground]


def reopened_note(number: int, description: str) -> str:
    """What the minutes say under "Actielijst" about the action that was reopened there."""
    return (
        f"Actiepunt nr. {number} ({description}) was gereed gemeld, maar bleek nog niet "
        "uitgevoerd; het is heropend."
    )


def advice_for(ground: ExemptionGround, has_statement: bool, pick: int) -> Advice:
    """The advice for a case of `ground`; `pick` chooses among those that fit.

    Without the art. 7 statement no exemption under 5 onder a can be advised: the group asks
    for the examination first.
    """
    if ground == ExemptionGround.ART5_A and not has_statement:
        return Advice.NADER_ONDERZOEK
    fitting = ADVICES[ground]
    return fitting[pick % len(fitting)]
