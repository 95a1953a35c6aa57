"""Precedent similarity and ATOP obligation tagging: plain Python, no Django (import-linter
keeps it so), so it is fast to test and reads the same in a page, the API or a notebook.

Retrieval: scikit-learn's TF-IDF (sublinear term frequency, L2-normalised, cosine similarity).
docs/analysis.md gives the figures behind the choice against rank-bm25's BM25Okapi on the
shipped corpus: both pass, TF-IDF cosine scores lie in [0, 1] (a score a drafter can read as
"how close"), scikit-learn is actively maintained, and BM25's length normalisation helped
nothing on texts of one or two paragraphs.

Japanese is tokenised into overlapping character bigrams (Lucene's CJKAnalyzer approach):
finding Japanese words needs a morphological dictionary (MeCab/Sudachi, tens of megabytes to
download), while bigrams need nothing, are robust to the inflection and okurigana variation of
treaty Japanese, and are what the retrieval test measures.

Tagging: transparent rules (a phrase list per ATOP obligation type, each a regular expression
whose match is the evidence), plus the library's tagged clauses as nearest neighbours: an
article very close to a tagged clause inherits that clause's type and commitment strength,
and says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer

ATOP_TYPES = ("defense", "offense", "neutral", "nonagg", "consul")
# The library's obligation-type codes and ATOP's variable names (treaties.services.OBLIGATION_TYPES).
LIBRARY_TO_ATOP = {
    "defence": "defense",
    "offence": "offense",
    "neutrality": "neutral",
    "non_aggression": "nonagg",
    "consultation": "consul",
}
ATOP_TO_LIBRARY = {v: k for k, v in LIBRARY_TO_ATOP.items()}
STRENGTHS = ("automatic", "conditional", "consultative", "discretionary")
ATOP_DEFINITION = (
    "a formal agreement among independent states to cooperate militarily in the face of "
    "potential or realized military conflict"
)

# --- tokenising -----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_CJK_CHAR = re.compile(r"[\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_JA_RUN = re.compile(
    r"[\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+"
)


def words_en(text: str) -> list[str]:
    """Lower-cased words: letters and digits with inner apostrophes."""
    return [w.lower() for w in _WORD.findall(text)]


def bigrams_ja(text: str) -> list[str]:
    """Overlapping character bigrams of each run of Japanese script (a one-character run is
    its own token), plus the lower-cased words of any Latin text in between."""
    tokens: list[str] = []
    for run in _JA_RUN.findall(text):
        if len(run) == 1:
            tokens.append(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    tokens.extend(w.lower() for w in _WORD.findall(_JA_RUN.sub(" ", text)))
    return tokens


def tokens(text: str, language: str) -> list[str]:
    return bigrams_ja(text) if language == "ja" else words_en(text)


def units_ja(text: str) -> list[str]:
    """What the retrieval test counts as a Japanese "word": each character of Japanese script
    (the text has no spaces to count words by)."""
    return [c for c in text if not c.isspace()]


def looks_japanese(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))


# --- ranking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A text that can be a precedent: ``key`` identifies it to the caller (e.g.
    ("provision", 12)); ``meta`` is carried through untouched."""

    key: tuple[str, int]
    text: str
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: float


class PrecedentIndex:
    """TF-IDF over one language's candidates; ``rank`` gives cosine similarities."""

    def __init__(self, candidates: Sequence[Candidate], language: str) -> None:
        self.language = language
        self.candidates = [c for c in candidates if c.text.strip()]
        self._vectorizer = TfidfVectorizer(
            analyzer=lambda text: tokens(text, language), sublinear_tf=True
        )
        self._matrix = (
            self._vectorizer.fit_transform([c.text for c in self.candidates])
            if self.candidates
            else None
        )

    def rank(
        self, text: str, limit: int = 5, exclude: Iterable[tuple[str, int]] = ()
    ) -> list[Ranked]:
        if self._matrix is None or not text.strip():
            return []
        query = self._vectorizer.transform([text])
        scores = (self._matrix @ query.T).toarray().ravel()
        skip = set(exclude)
        order = sorted(range(len(self.candidates)), key=lambda i: (-scores[i], i))
        ranked = [
            Ranked(self.candidates[i], round(float(scores[i]), 4))
            for i in order
            if scores[i] > 0 and self.candidates[i].key not in skip
        ]
        return ranked[:limit]


# --- offsets --------------------------------------------------------------------------------


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 offset of code-point index ``index`` (the unit of every anchor)."""
    return len(text[:index].encode("utf-16-le")) // 2


# --- obligations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    name: str
    type: str
    language: str
    pattern: re.Pattern[str]


def _r(name: str, type_: str, language: str, pattern: str) -> Rule:
    return Rule(name, type_, language, re.compile(pattern, re.IGNORECASE | re.DOTALL))


# Each rule's match is the evidence: the words that carry the promise. Kept narrow on purpose:
# a general promise to consult or to "co-operate" is not an ATOP consultation or defence pact.
RULES: list[Rule] = [
    # defence: assistance in response to an attack on the other Party
    _r(
        "attack-considered-attack-on-all",
        "defense",
        "en",
        r"armed attack\b[^.;]{0,60}?against (?:one|either|any|an?)\b[^.;]{0,120}?shall be considered (?:as )?an attack",
    ),
    _r(
        "assist-party-attacked",
        "defense",
        "en",
        r"(?:assist|afford|aid) the Part(?:y|ies) (?:or Parties )?so attacked",
    ),
    _r(
        "act-to-meet-common-danger",
        "defense",
        "en",
        r"(?:would|will) act to meet the common danger",
    ),
    _r(
        "aid-and-assistance-in-power",
        "defense",
        "en",
        r"(?:afford|give)\b[^.;]{0,60}?(?:aid and assistance|assistance)\b[^.;]{0,40}?(?:in (?:their|its) power|means in (?:their|its) power|by all the means)",
    ),
    _r("come-to-assistance", "defense", "en", r"(?:shall|will) come to (?:the|its|his) assistance"),
    _r("conduct-war-in-common", "defense", "en", r"conduct the war in common"),
    _r(
        "armed-attack-defined",
        "defense",
        "en",
        r"an armed attack on (?:one or more of the Parties|(?:either|any|one) (?:of the )?Part(?:y|ies))\s*,?\s*is deemed to include",
    ),
    _r(
        "attack-recognised-as-danger",
        "defense",
        "en",
        r"recogni[sz]es that an armed attack\b[^.]{0,200}?\b(?:on|against) (?:either|any|one)",
    ),
    _r(
        "provide-military-assistance",
        "defense",
        "en",
        r"(?:shall|will) provide (?:immediate )?military (?:and other )?assistance",
    ),
    _r(
        "self-help-mutual-aid",
        "defense",
        "en",
        r"(?:continuous and effective )?self-help and mutual aid",
    ),
    _r(
        "military-assistance-if-attacked",
        "defense",
        "en",
        r"(?:military and other )?assistance\b[^.;]{0,80}?(?:armed attack|state of war|attacked)",
    ),
    _r("ja-deal-with-common-danger", "defense", "ja", r"共通の危険に対処する"),
    _r(
        "ja-assist-party-attacked",
        "defense",
        "ja",
        r"(?:攻撃を受けた締約国|武力攻撃)[^。]{0,160}?援助",
    ),
    _r("ja-attack-considered-attack", "defense", "ja", r"武力攻撃を[^。]{0,40}?攻撃とみなす"),
    # offence: joint military action not in response to an attack (none in the corpus)
    _r(
        "joint-offensive-operations",
        "offense",
        "en",
        r"(?:jointly|together) (?:attack|make war on|take offensive action against)",
    ),
    # neutrality
    _r("strict-neutrality", "neutral", "en", r"(?:maintain|observe) (?:a )?strict neutrality"),
    _r(
        "not-assist-adversary",
        "neutral",
        "en",
        r"(?:shall|will) not (?:give|render|provide) (?:any )?(?:aid|assistance|support) to (?:the|any) (?:aggressor|adversary|attacking)",
    ),
    _r("ja-neutrality", "neutral", "ja", r"(?:厳正)?中立を(?:守|維持)"),
    # non-aggression
    _r(
        "refrain-threat-or-use-of-force",
        "nonagg",
        "en",
        r"refrain in their international relations from the threat or (?:the )?use of force",
    ),
    _r(
        "not-resort-to-force",
        "nonagg",
        "en",
        r"(?:undertake|agree) not to resort to the threat or the use of force",
    ),
    _r(
        "no-coalition-against",
        "nonagg",
        "en",
        r"\b(?:not|never|neither|none)\b[^.;]{0,80}?(?:conclude any alliance|participate in any coalition|take part in any coalition)\b[^.;]{0,80}?directed against",
    ),
    _r("ja-refrain-from-force", "nonagg", "ja", r"武力による威嚇又は武力の行使を[^。]{0,40}?慎む"),
    # consultation: specific to security or threats, with a view to coordination (ATOP)
    _r(
        "consult-when-threatened",
        "consul",
        "en",
        r"consult together\b[^.]{0,200}?\b(?:threatened|threat|danger|attack|in jeopardy)",
    ),
    _r(
        "consult-security-threat",
        "consul",
        "en",
        r"(?:whenever|when)\b[^.]{0,200}?(?:threatened|in jeopardy|endangered)\b[^.]{0,120}?consult",
    ),
    _r(
        "consult-on-security",
        "consul",
        "en",
        r"consult\b[^.]{0,40}?\b(?:regarding|on|as to|concerning|with a view to)\b[^.]{0,60}?\b(?:security matters|defence|defense|military|armed attack|measures to be taken|common measures)",
    ),
    _r(
        "communicate-fully-and-frankly",
        "consul",
        "en",
        r"communicate with one another fully and frankly",
    ),
    _r(
        "council-consider-implementation",
        "consul",
        "en",
        r"(?:Council|consultative body)\b[^.]{0,120}?(?:to consider matters concerning the implementation|consult)",
    ),
    _r("prior-consultation", "consul", "en", r"(?:subjects? of|matters? for) prior consultation"),
    _r(
        "no-separate-arrangements",
        "consul",
        "en",
        r"without consulting the other,? enter into separate arrangements",
    ),
    _r(
        "contacts-to-agree-measures",
        "consul",
        "en",
        r"(?:immediately )?(?:use the channels|enter into contacts?|hold consultations?)\b[^.]{0,120}?(?:threat|aggression|measures)",
    ),
    _r(
        "ja-consult-security",
        "consul",
        "ja",
        r"(?:脅威|安全|危険|武力攻撃|攻撃)[^。]{0,120}?協議|協議[^。]{0,60}?(?:脅威|安全|措置)",
    ),
]

# Conditions under which a promise comes into effect (atop_taxonomy.md, section 2).
CONDITIONS: list[Rule] = [
    _r(
        "location",
        "",
        "en",
        r"\bin (?:Europe or North America|the Pacific Area|the North Atlantic area|the territor(?:y|ies) of)\b|under the administration of|\bon its territory\b|\bin the region of\b|in (?:Eastern Asia|India)\b|north of the Tropic of Cancer|within the (?:region|area|zone)",
    ),
    _r(
        "attacker",
        "",
        "en",
        r"(?:any|another|other) (?:Power|Powers|State|States) (?:or Powers )?(?:should|shall) join|by (?:any|another) (?:other )?(?:Power|State)\b|by a third (?:Power|State)",
    ),
    _r("non-provocation", "", "en", r"\bunprovoked\b|without provocation|aggressive action"),
    _r(
        "constitutional processes",
        "",
        "en",
        r"constitutional (?:provisions and )?processes|constitutional procedures|in accordance with (?:its|their) (?:respective )?(?:constitutional|domestic)",
    ),
    _r("number of attackers", "", "en", r"(?:two|more than one) (?:or more )?(?:Powers|States)"),
    _r("location", "", "ja", r"施政の下にある領域|領域において|地域において"),
    _r("constitutional processes", "", "ja", r"憲法上の規定及び手続|憲法上の手続"),
    _r("attacker", "", "ja", r"他の(?:一国|国)若しくは数国"),
]

# Commitment strength: the library's scale. The first group that matches decides.
_AUTOMATIC = re.compile(
    r"all the military and other aid and assistance in (?:their|its) power|aid and assistance by all the means in their power|"
    r"shall come to (?:the|its|his) assistance|conduct the war in common|obligation of aid and assistance|"
    r"with all (?:the )?means in its possession|"
    r"すべての軍事的その他の援助",
    re.IGNORECASE,
)
_CASUS_FOEDERIS = re.compile(
    r"(?:any|another|other) (?:Power|Powers|State|States) (?:or Powers )?(?:should|shall) join",
    re.IGNORECASE,
)
_DISCRETIONARY = re.compile(
    r"self-help and mutual aid|\bendeavour\b|\bmay\b (?:consider|take)|as appropriate|if it so wishes",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(
    r"such action as it deems necessary|constitutional (?:provisions and )?processes|should join in hostilities|"
    r"必要と認める|憲法上の規定及び手続",
    re.IGNORECASE,
)


@dataclass
class Evidence:
    language: str
    anchor_start: int
    anchor_end: int
    quote: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "anchor_start": self.anchor_start,
            "anchor_end": self.anchor_end,
            "quote": self.quote,
        }


@dataclass
class Obligation:
    type: str
    conditional: bool
    conditions: list[str]
    strength: str
    evidence: Evidence | None
    basis: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conditional": self.conditional,
            "conditions": list(self.conditions),
            "strength": self.strength,
            "evidence": self.evidence.as_dict() if self.evidence else None,
            "basis": list(self.basis),
        }


@dataclass(frozen=True)
class TaggedExample:
    """A library clause with its tags: ATOP type (or "" for a drafting category) and strength."""

    key: str
    text: str
    atop_type: str
    strength: str
    language: str = "en"


# An article at least this close (TF-IDF cosine) to a tagged clause takes that clause's type
# even where no rule fires. Chosen on the leave-one-out run in docs/analysis.md.
NEIGHBOUR_THRESHOLD = 0.6


def _evidence(rule_match: re.Match[str], text: str, language: str) -> Evidence:
    start, end = rule_match.span()
    return Evidence(language, utf16_offset(text, start), utf16_offset(text, end), text[start:end])


def conditions_in(text: str, language: str) -> list[str]:
    found: list[str] = []
    for rule in CONDITIONS:
        if rule.language == language and rule.pattern.search(text) and rule.name not in found:
            found.append(rule.name)
    return found


def strength_of(type_: str, text: str, conditions: Sequence[str]) -> str:
    if type_ == "consul":
        return "consultative"
    if _CASUS_FOEDERIS.search(text):
        # Automatic help, but only once a further Power joins the war (Anglo-Japanese 1902
        # Art III): conditional on the attackers.
        return "conditional"
    if _AUTOMATIC.search(text):
        return "automatic"
    if _DISCRETIONARY.search(text):
        return "discretionary"
    if _CONDITIONAL.search(text) or conditions:
        return "conditional"
    # Neutrality answers the partner's war, so it is conditional on one; non-aggression binds
    # at all times.
    return "automatic" if type_ == "nonagg" else "conditional"


class Tagger:
    """Rules plus the library's tagged clauses (nearest neighbours), per language."""

    def __init__(self, examples: Sequence[TaggedExample]) -> None:
        self.examples = list(examples)
        self._indexes: dict[str, PrecedentIndex] = {}
        for language in ("en", "ja"):
            candidates = [
                Candidate(("clause", i), ex.text, {"example": ex})
                for i, ex in enumerate(self.examples)
                if ex.language == language
            ]
            self._indexes[language] = PrecedentIndex(candidates, language)

    def tag(self, text: str, language: str) -> list[Obligation]:
        found: dict[str, Obligation] = {}
        conditions = conditions_in(text, language)
        for rule in RULES:
            if rule.language != language:
                continue
            match = rule.pattern.search(text)
            if not match:
                continue
            if rule.type in found:
                found[rule.type].basis.append(f"rule:{rule.name}")
                continue
            strength = strength_of(rule.type, text, conditions)
            type_conditions = [] if rule.type in ("nonagg",) else conditions
            found[rule.type] = Obligation(
                type=rule.type,
                conditional=bool(type_conditions) or strength == "conditional",
                conditions=list(type_conditions),
                strength=strength,
                evidence=_evidence(match, text, language),
                basis=[f"rule:{rule.name}"],
            )
        for ranked in self._indexes[language].rank(text, limit=1):
            example: TaggedExample = ranked.candidate.meta["example"]
            if ranked.score < NEIGHBOUR_THRESHOLD or not example.atop_type:
                continue
            basis = f"library:{example.key} ({ranked.score:.2f})"
            if found and example.atop_type not in found:
                # Where the rules found promises, a neighbour only confirms them: clauses
                # share boilerplate ("self-help and mutual aid") across types.
                continue
            if example.atop_type in found:
                found[example.atop_type].basis.append(basis)
            else:
                found[example.atop_type] = Obligation(
                    type=example.atop_type,
                    conditional=bool(conditions) or example.strength == "conditional",
                    conditions=list(conditions),
                    strength=example.strength,
                    evidence=Evidence(language, 0, utf16_offset(text, len(text)), text)
                    if text
                    else None,
                    basis=[basis],
                )
        return [found[t] for t in ATOP_TYPES if t in found]


def tag_article(tagger: Tagger, text_en: str, text_ja: str) -> list[Obligation]:
    """The article's obligations: from the English text, and any type that only the Japanese
    text shows, with Japanese evidence."""
    obligations = tagger.tag(text_en, "en") if text_en.strip() else []
    have = {o.type for o in obligations}
    if text_ja.strip():
        obligations += [o for o in tagger.tag(text_ja, "ja") if o.type not in have]
    return sorted(obligations, key=lambda o: ATOP_TYPES.index(o.type))


# --- the whole treaty -----------------------------------------------------------------------


_DURATION = re.compile(
    r"remain in force|shall (?:continue|remain) in force|period of \w+ years|for (?:a period of )?\w+ years|"
    r"indefinitely|until the expiration|有効期間|効力を存続",
    re.IGNORECASE,
)
# Exit from the treaty itself (not, say, measures that "shall be terminated").
_EXIT = re.compile(
    r"cease to be a party|notice of (?:denunciation|termination|withdrawal)|"
    r"(?:denounce|terminate|withdraw from) (?:this|the present) (?:Treaty|Agreement|Convention)|"
    r"give (?:one year's |written )?notice|終了させる意思|廃棄",
    re.IGNORECASE,
)
# Secrecy of the agreement or of some of its articles (ATOP pubsecr/secrart), not the
# protection of classified information the Parties exchange (秘密情報, "SECRET" markings).
_SECRECY = re.compile(
    r"(?:this|the present) (?:Treaty|Agreement|article|protocol)s? shall (?:be kept|remain) secret|"
    r"secret (?:article|protocol|annex|clause)s?\b|(?:Treaty|Agreement) shall not be (?:made )?public|"
    r"shall not be published|本(?:条約|協定)[^。]{0,20}(?:秘密とする|公表しない)",
    re.IGNORECASE,
)
_THREAT = re.compile(
    r"(?:renewal by|aggression by|attack by|threat (?:posed )?(?:by|from))\s+([A-Z][a-z]+(?: [A-Z][a-z]+)*)",
)
_ASYMMETRY = re.compile(
    r"territor(?:y|ies) under the administration of \w+|(?:the United States of America|the United Kingdom|Japan) shall\b(?! each)|"
    r"grants? to the (?:United States|United Kingdom)|use by its land, air and naval forces of facilities",
)


@dataclass
class ArticleTags:
    """One article's obligations with what the profile needs to cite it."""

    label: str
    ref: dict[str, Any]
    text: str
    obligations: list[Obligation]


def profile(articles: Sequence[ArticleTags]) -> dict[str, Any]:
    """The treaty's alliance profile: promises with conditions and strength, asymmetry,
    duration and exit, secrecy and specific threat, each with the articles it rests on."""
    promises: dict[str, list[dict[str, Any]]] = {t: [] for t in ATOP_TYPES}
    features: dict[str, list[dict[str, Any]]] = {
        "asymmetry": [],
        "duration": [],
        "exit": [],
        "secrecy": [],
        "specific_threat": [],
    }
    for art in articles:
        for o in art.obligations:
            promises[o.type].append(
                {
                    "article": art.label,
                    **art.ref,
                    "strength": o.strength,
                    "conditional": o.conditional,
                    "conditions": o.conditions,
                    "quote": o.evidence.quote if o.evidence else "",
                }
            )
        for name, pattern in (
            ("duration", _DURATION),
            ("exit", _EXIT),
            ("secrecy", _SECRECY),
            ("asymmetry", _ASYMMETRY),
        ):
            match = pattern.search(art.text)
            if match:
                features[name].append({"article": art.label, **art.ref, "quote": match.group(0)})
        for match in _THREAT.finditer(art.text):
            features["specific_threat"].append(
                {"article": art.label, **art.ref, "quote": match.group(0), "state": match.group(1)}
            )
    return {"promises": promises, **features}


def strongest(entries: Iterable[dict[str, Any]]) -> str:
    """The strongest commitment among a promise's articles ("" if none)."""
    have = {e["strength"] for e in entries}
    return next((s for s in STRENGTHS if s in have), "")


NAMES = {
    "defense": "defence pact",
    "offense": "offence pact",
    "neutral": "neutrality pact",
    "nonagg": "non-aggression pact",
    "consul": "consultation pact",
}


def verdict(prof: dict[str, Any]) -> tuple[bool, list[dict[str, Any]]]:
    """ATOP's definition: "a formal agreement among independent states to cooperate militarily
    in the face of potential or realized military conflict". ATOP codes an agreement as an
    alliance when it carries at least one of its five promises (defence, offence, neutrality,
    non-aggression, consultation in militarised crises); a general promise to consult is none
    of them. Returns the verdict and its reasons, each naming the articles it rests on."""
    reasons: list[dict[str, Any]] = []
    for type_ in ATOP_TYPES:
        entries = prof["promises"][type_]
        if entries:
            reasons.append(
                {
                    "code": type_,
                    "holds": True,
                    "text": f"The draft makes a {NAMES[type_]} promise ({strongest(entries)}).",
                    "articles": [e["article"] for e in entries],
                }
            )
    alliance = bool(reasons)
    if not alliance:
        reasons.append(
            {
                "code": "no_atop_promise",
                "holds": False,
                "text": "No article promises defence, offence, neutrality, non-aggression or "
                "consultation in a militarised crisis; a general promise to consult or to "
                "co-operate is not enough under ATOP's definition.",
                "articles": [],
            }
        )
    return alliance, reasons
