"""The group's vocabulary as enums: code in English, `.label` in Dutch for screen and paper."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    """A StrEnum whose members carry a Dutch label."""

    label: str

    def __new__(cls, value: str, label: str = "") -> _Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class ExemptionGround(_Labelled):
    """Why the case is in this group (Leerplichtwet article or situation)."""

    ART5_A = ("ART5_A", "art. 5 onder a (lichamelijk/psychisch ongeschikt)")
    ART5_B = ("ART5_B", "art. 5 onder b (richtingbezwaar)")
    ART5_C = ("ART5_C", "art. 5 onder c (school in het buitenland)")
    ART15 = ("ART15", "art. 15 (kwalificatieplichtige, ander onderwijs)")
    ART3A = ("ART3A", "art. 3a (vervangende leerplicht)")
    ART3B = ("ART3B", "art. 3b (vervangende leerplicht)")
    ART11 = ("ART11", "art. 11 (vrijstelling geregeld schoolbezoek)")
    THUISZITTER = ("THUISZITTER", "thuiszitter")
    PREVENTIEF = ("PREVENTIEF", "preventief")

    @property
    def is_art5(self) -> bool:
        """Art. 5 exemptions need a new notice every year, before 1 July (Lpw art. 6 lid 2b)."""
        return self in (ExemptionGround.ART5_A, ExemptionGround.ART5_B, ExemptionGround.ART5_C)


class CaseStatus(_Labelled):
    """Where a case stands in the group's process."""

    AANGEMELD = ("AANGEMELD", "aangemeld")
    IN_BEHANDELING = ("IN_BEHANDELING", "in behandeling")
    AANGEHOUDEN = ("AANGEHOUDEN", "aangehouden")
    ADVIES_UITGEBRACHT = ("ADVIES_UITGEBRACHT", "advies uitgebracht")
    AFGESLOTEN = ("AFGESLOTEN", "afgesloten")


class Team(_Labelled):
    """Kind of organisation; the first four are the group's core teams."""

    LEERPLICHT = ("LEERPLICHT", "Team Leerplicht")
    SOCIAAL_WIJKTEAM = ("SOCIAAL_WIJKTEAM", "Sociaal Wijkteam")
    SAMENWERKINGSVERBAND = ("SAMENWERKINGSVERBAND", "Samenwerkingsverband passend onderwijs")
    ORTHOPEDAGOOG = ("ORTHOPEDAGOOG", "Orthopedagoog")
    SCHOOL = ("SCHOOL", "School")
    ZORGAANBIEDER = ("ZORGAANBIEDER", "Zorgaanbieder")
    OUDERS = ("OUDERS", "Ouders")

    @property
    def is_core(self) -> bool:
        """The four teams that should attend every meeting."""
        return self in CORE_TEAMS


CORE_TEAMS = (Team.LEERPLICHT, Team.SOCIAAL_WIJKTEAM, Team.SAMENWERKINGSVERBAND, Team.ORTHOPEDAGOOG)


class MeetingStatus(_Labelled):
    """Lifecycle of one meeting."""

    GEPLAND = ("GEPLAND", "gepland")
    GEHOUDEN = ("GEHOUDEN", "gehouden")
    GEANNULEERD = ("GEANNULEERD", "geannuleerd")


class AttendanceStatus(_Labelled):
    """Whether a participant came."""

    AANWEZIG = ("AANWEZIG", "aanwezig")
    AFGEMELD = ("AFGEMELD", "afgemeld")
    AFWEZIG = ("AFWEZIG", "afwezig")


class MeetingRole(_Labelled):
    """Role in one meeting."""

    VOORZITTER = ("VOORZITTER", "voorzitter")
    NOTULIST = ("NOTULIST", "notulist")
    DEELNEMER = ("DEELNEMER", "deelnemer")


class AgendaItemKind(_Labelled):
    """Fixed agenda items and case items."""

    OPENING = ("OPENING", "Opening en mededelingen")
    VERSLAG = ("VERSLAG", "Vaststellen verslag vorig overleg")
    ACTIELIJST = ("ACTIELIJST", "Actielijst")
    CASUS = ("CASUS", "Casus")
    RONDVRAAG = ("RONDVRAAG", "Rondvraag")
    SLUITING = ("SLUITING", "Sluiting")


class Advice(_Labelled):
    """The group's advice on a case item."""

    VRIJSTELLING_PASSEND = ("VRIJSTELLING_PASSEND", "vrijstelling passend")
    ONDERWIJS_ZORGARRANGEMENT = ("ONDERWIJS_ZORGARRANGEMENT", "onderwijs-zorgarrangement")
    DEELTIJDROOSTER = ("DEELTIJDROOSTER", "deeltijdrooster")
    TERUGLEIDINGSTRAJECT = ("TERUGLEIDINGSTRAJECT", "terugleidingstraject naar school")
    AANHOUDEN = ("AANHOUDEN", "aanhouden")
    NADER_ONDERZOEK = ("NADER_ONDERZOEK", "nader onderzoek")
    ANDERS = ("ANDERS", "anders")


class MinutesStatus(_Labelled):
    """Minutes are a draft until the next meeting fixes them."""

    CONCEPT = ("CONCEPT", "concept")
    VASTGESTELD = ("VASTGESTELD", "vastgesteld")


class ItemOutcome(_Labelled):
    """What happened to an agenda item in its meeting (None while nothing is recorded)."""

    BESPROKEN = ("BESPROKEN", "besproken")
    GEEN_BIJZONDERHEDEN = ("GEEN_BIJZONDERHEDEN", "geen bijzonderheden")
    DOORGESCHOVEN = ("DOORGESCHOVEN", "niet besproken, doorgeschoven")
    INGETROKKEN = ("INGETROKKEN", "ingetrokken")


class ActionEventKind(_Labelled):
    """A step in an action's history."""

    AANGEMAAKT = ("AANGEMAAKT", "afgesproken")
    GEWIJZIGD = ("GEWIJZIGD", "gewijzigd")
    GEREED = ("GEREED", "gereed gemeld")
    VERVALLEN = ("VERVALLEN", "vervallen verklaard")
    HEROPEND = ("HEROPEND", "heropend")


class ActionStatus(_Labelled):
    """State of an action item."""

    OPEN = ("OPEN", "open")
    GEREED = ("GEREED", "gereed")
    VERVALLEN = ("VERVALLEN", "vervallen")


class AuditAction(_Labelled):
    """What an audit event records (NEN 7513: read, create, update, delete, export …)."""

    VIEW = ("VIEW", "inzien")
    SEARCH = ("SEARCH", "zoeken")
    CREATE = ("CREATE", "aanmaken")
    UPDATE = ("UPDATE", "wijzigen")
    DELETE = ("DELETE", "verwijderen")
    IMPORT = ("IMPORT", "importeren")
    EXPORT = ("EXPORT", "exporteren")
    PRINT = ("PRINT", "afdrukken")
    UNLOCK = ("UNLOCK", "ontgrendelen")
    UNLOCK_FAILED = ("UNLOCK_FAILED", "ontgrendelen mislukt")
    LOCK = ("LOCK", "vergrendelen")
    ACCOUNT = ("ACCOUNT", "accountbeheer")
    BACKUP = ("BACKUP", "back-up")
    RESTORE = ("RESTORE", "terugzetten")


class ExpertProfession(_Labelled):
    """Who may give the art. 7 statement for a 5 onder a exemption (Lpw art. 7)."""

    ARTS = ("ARTS", "arts")
    PEDAGOOG = ("PEDAGOOG", "pedagoog")
    PSYCHOLOOG = ("PSYCHOLOOG", "psycholoog")


class Alternative(_Labelled):
    """What the group weighed before advising an exemption ("niet het afvoerputje")."""

    ONDERWIJSZORGARRANGEMENT = ("ONDERWIJSZORGARRANGEMENT", "onderwijszorgarrangement")
    DEELTIJDROOSTER = ("DEELTIJDROOSTER", "deeltijdrooster")
    ANDERE_SCHOOL = ("ANDERE_SCHOOL", "andere school")
    THUISONDERWIJS = ("THUISONDERWIJS", "thuisonderwijs met begeleiding")
    ANDERS = ("ANDERS", "anders")
