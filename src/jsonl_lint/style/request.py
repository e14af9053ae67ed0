"""What a prompt asks for: the task kind, a format, a length, a register, a language.

The style rules (JL401-JL406) judge a reply against its dataset, but a reply that
does what its own instruction asked is not an outlier: a JSON object for "create a
JSON object", slang in a requested rap, "!" in an advert, "yes" to a yes/no
question, a translation as long as its source. This module reads the user turns
and the system prompt once per record and says what they ask for; every style
rule reads the same :class:`Request`.

Cues are families of stems and phrasings (many ways to say "write a tweet" or
"answer in one word"), matched on whole words of the lower-cased instruction.
The *instruction* is the system prompt plus the user's words without the passage
they work on: Alpaca's ``input`` field, or the middle of a long user turn (a
request sits before or after the pasted text), so a word inside a pasted article
does not make a request.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

try:
    from re import _parser as _regex_parser  # Python 3.11+
except ImportError:  # pragma: no cover
    import sre_parse as _regex_parser

from . import language
from ..timings import stage

# Task kinds: replies of one kind are compared with each other (like with like).
TOOL, TRANSLATION, CLASSIFICATION, EXTRACTION, REWRITE, SUMMARY = (
    "tool", "translation", "classification", "extraction", "rewrite", "summary")
CODE, MATH, CREATIVE, QUESTION = "code", "math", "creative", "question"
KIND_LABEL = {
    TOOL: "tool-use answers", TRANSLATION: "translations", CLASSIFICATION: "classification and yes/no answers",
    EXTRACTION: "extraction answers", REWRITE: "rewrites", SUMMARY: "summaries", CODE: "code answers",
    MATH: "worked math answers", CREATIVE: "creative writing", QUESTION: "answers to open questions",
}
# Kinds whose length is set by the input or the question, not by the dataset's habits.
BOUNDED_KINDS = frozenset({TOOL, TRANSLATION, CLASSIFICATION, EXTRACTION, REWRITE})

# Formats a prompt asks for (or hands over in its input, which a reply then follows).
JSON, MARKUP, TABLE, CODE_FORMAT, ARRAY, LIST = "json", "markup", "table", "code", "array", "list"

# Registers a prompt asks for; each rule knows which markers a register licenses.
CASUAL = "casual"  # rap, lyrics, slang, a chat message, humour
PROMOTIONAL = "promotional"  # adverts, tweets, posts, slogans, speeches, announcements
FORMAL = "formal"  # legal text (contracts, clauses, terms) and archaic or ceremonial diction
PERSONA = "persona"  # role-play, "you are a pirate", in the voice of someone
FICTION = "fiction"  # stories, dialogue, scripts, poems, quotations: characters speak
OFFENSIVE = "offensive"  # insults, profanity or rude language the user asks to see or analyse
CHILD = "child"  # for a child, explain like I'm five


@dataclass(frozen=True, slots=True)
class Length:
    """A length the prompt asks for. ``unit``: word, line, sentence, paragraph, item,
    or "short" / "long" for "briefly", "in detail"; ``most`` / ``least`` the counts."""

    unit: str
    most: int | None = None
    least: int | None = None
    strict: bool = False  # an explicit limit ("in at most 50 words"), not a kind of text ("write a sentence")


@dataclass(frozen=True, slots=True)
class Request:
    kind: str = QUESTION
    length: Length | None = None
    yes_no: bool = False  # a closed question that "yes", "no", one option or a completion answers
    languages: frozenset = frozenset()  # languages the instruction names ("in French")
    source_words: int = 0  # words of the passage the request works on (translation, rewrite)
    prompt_words: int = 0  # words of the last user turn


NONE = Request()


def _trie(words) -> str:
    """An alternation of literal words as a trie (``\\b(?:ab|ac)`` as ``\\b(?:a[bc])``):
    the regex engine tries one branch per letter instead of every word at every position.
    At a position it matches the longest of the words that start there."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        end = "" in node
        if len(alts) == 1 and not end:
            return alts[0]
        return "(?:" + "|".join(alts) + (")?" if end else ")")  # greedy: the longer word first

    return emit(root)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern."""
    alternatives, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
        i += 1
    alternatives.append(pattern[start:])
    return alternatives


def _starts_with_word_character(items, i: int = 0) -> bool:
    """Whether every match of a parsed pattern (from its ``i``-th item) starts with a
    word character (False when unsure)."""
    if i >= len(items):
        return False  # it may match nothing
    op, av = items[i]
    if op is _regex_parser.LITERAL:
        return _WORD_CHARACTER.match(chr(av)) is not None
    if op is _regex_parser.SUBPATTERN:
        return _starts_with_word_character(av[-1])
    if op is _regex_parser.BRANCH:
        return all(_starts_with_word_character(branch) for branch in av[1])
    if op in (_regex_parser.MAX_REPEAT, _regex_parser.MIN_REPEAT):
        # "(only )?respond": the repeated part, or what follows it when it may be left out
        return _starts_with_word_character(av[2]) and (av[0] >= 1 or _starts_with_word_character(items, i + 1))
    if op is _regex_parser.IN:
        return all((kind is _regex_parser.LITERAL and _WORD_CHARACTER.match(chr(v)) is not None)
                   or (kind is _regex_parser.RANGE and all(_WORD_CHARACTER.match(chr(c)) for c in range(v[0], v[1] + 1)))
                   or (kind is _regex_parser.CATEGORY and v in (_regex_parser.CATEGORY_DIGIT, _regex_parser.CATEGORY_WORD))
                   for kind, v in av)
    return False


def _reads_before_match(items) -> bool:
    """Whether a parsed pattern has a lookbehind or a start anchor anywhere: those see
    the characters before a match."""
    for op, av in items:
        if op is _regex_parser.AT and av in (_regex_parser.AT_BEGINNING, _regex_parser.AT_BEGINNING_STRING):
            return True
        if op in (_regex_parser.ASSERT, _regex_parser.ASSERT_NOT) and av[0] < 0:
            return True
        for sub in (av if isinstance(av, (tuple, list)) else ()):
            if isinstance(sub, _regex_parser.SubPattern) and _reads_before_match(sub):
                return True
            if isinstance(sub, list) and any(isinstance(x, _regex_parser.SubPattern) and _reads_before_match(x)
                                             for x in sub):
                return True
    return False


_WORD_CHARACTER = re.compile(r"\w")


class _Cues:
    """A family of cues, compiled for any text and, faster, for plain-ASCII text (most
    prompts). For any text the word boundary that starts most alternatives is factored
    out (``\\ba|\\bb|c`` -> ``\\b(?:a|b)|c``). For ASCII text an alternative that starts
    with ``\\b`` and a word character is matched as the non-word character before it
    (``[^0-9A-Za-z_](?:a|b)`` on ``"\\n" + text``): a pattern that starts with a set of
    characters lets the regex engine skip to the candidates (a space, a comma) instead of
    trying every position, about 2x faster. The others are searched as they are.
    Matches are the same; on ASCII text a match's group 0 starts one character early, so
    callers read its groups."""

    __slots__ = ("pattern", "regex", "worded", "others")

    def __init__(self, pattern: str):
        # Compiled on first use: a small run searches few families, and compiling all of
        # them took most of this module's import.
        self.pattern = pattern
        self.regex = None

    def _compile(self) -> None:
        alternatives = _alternatives(self.pattern)
        worded = [a[2:] for a in alternatives if a.startswith("\\b")]
        others = [a for a in alternatives if not a.startswith("\\b")]
        self.regex = re.compile("|".join(([r"\b(?:" + "|".join(worded) + ")"] if worded else []) + others))
        # A lookbehind or an anchor would see the added character: those alternatives stay as written.
        fast = [a for a in worded if _starts_with_word_character(_regex_parser.parse(a).data)
                and not _reads_before_match(_regex_parser.parse(a))]
        slow = others + [r"\b" + a for a in worded if a not in fast]
        self.worded = re.compile("[^0-9A-Za-z_](?:" + "|".join(fast) + ")") if fast else None
        self.others = re.compile("|".join(slow)) if slow else None

    def search(self, text: str) -> re.Match | None:
        if self.regex is None:
            self._compile()
        if not text.isascii():
            return self.regex.search(text)
        return ((self.worded is not None and self.worded.search("\n" + text))
                or (self.others is not None and self.others.search(text)) or None)

    def finditer(self, text: str):
        """Every match, for a family whose alternatives all start and end with a word character
        (a match never takes the character before the next one)."""
        if self.regex is None:
            self._compile()
        if not text.isascii() or self.others is not None:
            return self.regex.finditer(text)
        return self.worded.finditer("\n" + text)


_KEY = "jl4.request"

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUM = r"(\d{1,4}|" + "|".join(_NUMBER_WORDS) + r"|a single|a couple of|a few)"
_UNIT = r"(words?|lines?|sentences?|paragraphs?|bullet points?|bullets?|verses?|stanzas?|characters?)"
_LANGUAGES = "|".join(n.lower() for n in language.NAMES.values())

_PRODUCE = (r"(write|compose|create|generate|draft|produce|make|design|construct|build|develop|implement|give|"
            r"provide|output|return|prepare|come up with|put together|craft|show|print|format|convert|turn|"
            r"transform|rewrite|reformat|organi[sz]e|present|display|render|respond|reply|answer|tell|sing|recite|"
            r"pen|invent|imagine)")

_FORMAT_CUES = {
    JSON: r"\bjson\w*|\byaml\b|\bdictionar(y|ies)\b|\bdict\b|\bkey[- ]value\b|\bobject literal\b|\bschema\b",
    MARKUP: (r"\bhtml\d?\b|\bxml\b|\bsvg\b|\bcss\b|\bmarkup\b|\bweb ?pages?\b|\bwebsites?\b|\bweb forms?\b|\blatex\b|"
             r"\bmarkdown\b|\btags?\b|<[a-z][a-z0-9]*[ >/]"),
    TABLE: (r"\btables?\b|\btabular\b|\bspreadsheets?\b|\bcharts?\b|\bgrids?\b|\bmatri(x|ces)\b|\bcsv\b|\bcolumns?\b|"
            r"\brows?\b|\bschedules?\b|\btimetables?\b|\bcalendars?\b|\bcompar\w*|\bcontrast\w*|\bbudget\w*|"
            r"\bdata ?sets?\b|\bdatabase\b|\bpros and cons\b|\badvantages and disadvantages\b"),
    ARRAY: (r"\barrays?\b|\blists? of (numbers|integers|strings|elements|values|words)\b|\bvectors?\b|\btuples?\b|"
            r"\bsort\w*|\bsequences?\b|\bset of (numbers|integers)\b"),
    LIST: (r"\blist\w*|\bbullet\w*|\bsteps\b|\bstep[- ]by[- ]step\b|\boutline\w*|\benumerat\w*|\bchecklist\b|"
           r"\b(top|first|best) \d+\b|\b\d+ (ways|tips|ideas|reasons|examples|things|steps|facts|questions)\b|"
           r"\brecipes?\b|\binstructions\b|\bagenda\b|\bitinerar\w*|\bquiz\w*|\bplan\b"),
}

_CODE_LANGS = (r"python|javascript|typescript|java|c\+\+|c#|golang|php|perl|kotlin|scala|haskell|matlab|bash|"
               r"powershell|sql|mysql|postgres(ql)?|sqlite|html\d?|css\d?|regex|regular expression|jquery|node\.js|django|"
               r"flask|pandas|numpy|tensorflow|pytorch|vba|svg|latex")
_CODE_NOUNS = (r"code|program|function|script|query|queries|algorithm|snippet|regex|api|endpoint|unit tests?|"
               r"pseudo-?code|shell command|terminal command|command line|web ?page|html page")

_KIND_CUES = [
    # The first kind whose cue matches wins.
    (TRANSLATION, r"\btranslat\w*|\btraduc\w*|\btraduz\w*|\btradui\w*|\bübersetz\w*|"
                  r"\bhow (do|would|can) (you|i) say\b.{0,60}\bin (" + _LANGUAGES + r")\b|"
                  r"\b(into|to) (" + _LANGUAGES + r")\s*[:.]?\s*$"),
    (CODE, r"\b(" + _CODE_LANGS + r")\b|```|\b" + _PRODUCE + r"\b([ \t]+[\w'-]+){0,5}?[ \t]+(" + _CODE_NOUNS + r")\b|"
           r"\b(debug|refactor|compile)\b|\b(implement|code) (a|an|the)\b"),
    (CLASSIFICATION, r"\bclassif\w*|\bcategori[sz]\w*|\bsentiment\b|\btrue or false\b|\byes or no\b|\byes/no\b|"
                     r"\b(choose|pick|select) (from|between|among|the (correct|right|best|most))\b|"
                     r"\bwhich (one|of these|of the following)\b|\boptions?\s*:|\bchoices?\s*:|"
                     r"\n[ \t]*(\([a-e]\)|[a-e]\))[ \t]*\S|\bentail\w*|\bcontradict\w*|\bpolarity\b|"
                     r"\b(positive|negative) or (positive|negative|neutral)\b|\bis (this|the following) (review|text|"
                     r"sentence|statement|tweet|comment|email|message)\b|\bfact or opinion\b|\bmultiple[- ]choice\b|"
                     r"\b(correct|right|best) (answer|option|choice)\b|\banswer (with|in) (one|a single) (word|letter|"
                     r"number)\b|\bagree or disagree\b|\b(spam|toxic|sarcastic) or not\b|\boutput \d+ for\b|"
                     r"\b(true|false|yes|no),? (or )?(true|false|yes|no|uncertain|unknown|neither)\b|"
                     r"\b(choose|pick|select) (your|an|one|the) (answer|option|choice)\b|\b(answer|options?|choices?) "
                     r"from\s*:"),
    (MATH, None),  # numbers and a quantity question: see _is_math
    (EXTRACTION, r"\bextract\w*|\bfill (in|out|each|every|the)\b[^.\n]{0,20}\b(blanks?|categor\w*|fields?|slots?|table)\b|\b(identify|detect|find|pull out|list|name|underline|highlight|point out|locate)\b"
                 r"[^.?!\n]{0,60}\b(in|from) (the|this|these|that|each|given|following)\b|\bkeywords?\b|"
                 r"\b(named )?entities\b"),
    (SUMMARY, r"\bsummar\w*|\btl;?dr\b|\bcondense\b|\bin a nutshell\b|\bmain (idea|point)s?\b|\bkey (points|takeaways)\b|"
              r"\bgist\b|\bwrite an abstract\b|\bheadlines?\b|\btitles? for\b"),
    (REWRITE, r"\bre-?write\w*|\brepeat\b|\btrim\b|\bcut (it|this) down\b|\brephras\w*|\bparaphras\w*|\breword\w*|\bedit (the following|this|these|the given)\b|"
              r"\bproofread\w*|\b(correct|fix) (the|this|any|all) (grammar|spelling|typos?|errors?|mistakes?|sentences?|"
              r"text|punctuation)\b|\bmake (it|this|the \w+) (more|less|shorter|longer|sound)\b|\bsimplify\b|"
              r"\b(active|passive) voice\b|\b(past|present|future) tense\b|\bchange (the|this) (sentence|text|"
              r"paragraph|word|tense|tone)\b|\bconvert (the|this|these|it)\b|\bshorten\b|\brearrange\b|\breorder\b|"
              r"\bcapitali[sz]e\b|\b(make|be) grammatically correct\b"),
    (CREATIVE, r"\b" + _PRODUCE + r"\b([ \t]+[\w'-]+){0,6}?[ \t]+(poems?|poetry|haikus?|limericks?|sonnets?|verses?|rhym\w*|lyrics|songs?|raps?|ballads?|jingles?|"
               r"stor(y|ies)|tales?|fables?|novels?|chapters?|scenes?|scripts?|screenplays?|dialogues?|dialogs?|"
               r"monologues?|soliloqu\w*|speech(es)?|toasts?|eulog\w*|jokes?|puns?|riddles?|slogans?|taglines?|"
               r"mottos?|tweets?|captions?|ads?|adverts?|advertisements?|commercials?|announcements?|invitations?|"
               r"letters?|essays?|blog|article|narrat\w*|fiction|fan ?fic\w*|plot|prose|greetings?|"
               r"product descriptions?|bios?|reviews?|role[- ]?play\w*)\b"),
]

_PERSONA_EXCLUDED = (r"(helpful|friendly|honest|harmless|useful|smart|intelligent|knowledgeable|ai|artificial|language|"
                     r"virtual|customer|support|chat\w*|digital|large|assistant|expert assistant|bot)")
_REGISTER_CUES = {
    CASUAL: (r"\b(raps?|rapper|hip[- ]?hop|lyrics|songs?|slang|informal(ly)?|casual(ly)?|colloquial\w*|teen(ager)?s?|"
             r"surfer|bro|dude|gen[- ]?z|millennials?|text(ing)? messages?|sms|chat messages?|whatsapp|tweets?|"
             r"dialogues?|dialogs?|conversations?|funny|humou?r\w*|jokes?|comedic|comedy|sassy|cheeky|playful|"
             r"cowboy|pirates?|gangster|valley girl|stand[- ]up|memes?|limericks?|puns?)\b"),
    PROMOTIONAL: (r"\b(ads?|adverts?|advertis\w*|commercials?|marketing|promot\w*|promo|slogans?|taglines?|jingles?|"
                  r"tweets?|twitter|posts?|social media|instagram|facebook|tiktok|linkedin|captions?|headlines?|"
                  r"announc\w*|invitations?|invite|greet\w*|cheers?|cheerleader|motivat\w*|inspir\w*|"
                  r"speech(es)?|pep talk|commentary|commentator|sportscaster|enthusias\w*|excit\w*|catchy|"
                  r"celebrat\w*|congratulat\w*|birthday|party|sale|discounts?|launch\w*|hype|campaign|flyer|poster|"
                  r"banner|newsletter|job (posting|opening|ad|advert\w*)|recruit\w*|welcome|thank[- ]you|emojis?|"
                  r"emoticons?|exclamation\w*|rally|toast|pitch|brochure|billboard)\b"),
    FORMAL: (r"\b(legal\w*|contracts?|clauses?|agreements?|terms (of (service|use)|and conditions)|privacy policy|"
             r"polic(y|ies)|lease|leasing|wills?|testament|statutes?|laws?|lawyer|attorney|amendments?|"
             r"constitution\w*|lawsuit|court|judge|nda|disclaimers?|licen[cs]es?|bylaws|regulations?|acts?|"
             r"treat(y|ies)|deed|liabilit\w*|indemn\w*|notar\w*|affidavit|charter|decree|proclamation|oath|covenant|"
             r"shakespeare\w*|bible|biblical|scripture|king james|archaic|old english|middle english|medieval|"
             r"victorian|elizabethan|prophec\w*|prophet|oracle|sonnets?|ceremon\w*|royal|formal(ly)?)\b"),
    PERSONA: (r"\b(role[- ]?play\w*|pretend\w*|imagine (you|yourself|that you)|act as|acting as|take on the (role|persona)|"
              r"play the (role|part)|in character|as if you were|speak(ing)? as|in the (voice|style|tone|manner|"
              r"persona) of|from the (perspective|point of view) of|persona|impersonat\w*|channel your inner|"
              r"step into the shoes|assume the role|answer as|respond as|reply as|write as|you will be playing|"
              r"stay in character|you('re| are) (now )?(a|an|the) (?!" + _PERSONA_EXCLUDED + r"\b)[a-z])"),
    FICTION: (r"\b(stor(y|ies)|tales?|fables?|novels?|chapters?|scenes?|scripts?|screenplays?|a play|dialogues?|dialogs?|"
              r"conversations? between|monologues?|soliloqu\w*|fiction\w*|fan ?fic\w*|narrat\w*|characters?|plot|"
              r"poems?|poetry|haikus?|limericks?|sonnets?|verses?|lyrics|songs?|raps?|ballads?|in the style of|"
              r"parody|satir\w*|skit|comic|villain|heroe?s?|drama\w*|quotes?|quotations?|quoting|famous (line|words|"
              r"speech)|historical (speech|figure|quote)|letter from|diary|journal entry)\b"),
    OFFENSIVE: (r"\b(insult\w*|abus\w*|offensive|rude\w*|curse|cursing|swear\w*|profan\w*|expletives?|roast\w*|slurs?|"
                r"bull(y|ies|ying)|harass\w*|toxic\w*|hate speech|trash[- ]talk\w*|diss|sarcas\w*|mock\w*|mean (things|"
                r"comments?|words|jokes?)|angry|anger|rant\w*|complain\w*|argument|argue|fight\w*|hostile|"
                r"aggressive|passive[- ]aggressive|condescend\w*|disrespect\w*|negative review|bad review|villain\w*|"
                r"nasty|vulgar|obscen\w*|dirty jokes?|hurtful|put[- ]?downs?|comebacks?|grumpy|cranky|annoyed|"
                r"irritated|frustrated|furious|stupid|idiot\w*|dumb)\b"),
    CHILD: (r"\b(five[- ]year[- ]old|5[- ]year[- ]old|like i'?m (five|5)|eli5|child(ren)?|kids?|toddlers?|kindergarten|"
            r"preschool\w*|little ones?|young (reader|audience)s?|bedtime)\b"),
}

_LENGTH = [
    # "in one word", "in 3 sentences", "under 30 words", "no more than 50 words", "write four lines"
    (_Cues(r"\b(in|within|under|below|less than|fewer than|no more than|not more than|at most|maximum( of)?|"
           r"max|up to|not exceeding|limit(ed)? to|exactly|down to|to)\s+" + _NUM + r"\s+" + _UNIT +
           r"\b(?! (from|of|in|that|which|to|and)\b)"), "most"),
    (_Cues(r"\b(at least|minimum( of)?|more than|no less than|no fewer than)\s+" + _NUM + r"\s+" + _UNIT
           + r"\b"), "least"),
    (_Cues(r"\b(write|compose|give|create|generate|list|provide|produce|name|draft|first|last)\s+(me\s+|the\s+|"
           r"us\s+)?(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")[- ]" + _UNIT + r"\b(?! (from|that|which|in|to)\b)"),
     "bare"),
    (_Cues(r"\b((one|single)[- ]word (answer|reply|response)|one[- ]liner|in (a|one|a single) word|in one (line|"
           r"sentence)|in a single (line|sentence)|one-sentence|(write|give|compose|create|generate|provide|make|"
           r"construct|produce|come up with) (me )?(a|one) (single |short )?(sentence|line))\b"), "one"),
    (_Cues(r"\b(brief(ly)?|concise(ly)?|succinct(ly)?|terse(ly)?|tl;?dr|in a nutshell|short (answer|reply|"
           r"response|summary|description|paragraph|poem|note|message|text|sentence|phrase|statement|version|"
           r"bio|list|explanation|story)|just the (answer|number|name|result)|only the (answer|number|name|"
           r"result|letter)|no explanations?|without (any )?explanations?|(only )?respond only with|only "
           r"respond with|answer only|nothing else|haikus?|tweets?|slogans?|taglines?|headlines?|titles?|"
           r"captions?|mottos?|one-sentence|elevator pitch|limericks?|riddles?|puns?|jokes?|"
           r"names? for|greetings?|phrases?|acronyms?|hashtags?|abbreviations?)\b"), "short"),
    (_Cues(r"\b(detailed|in detail|in depth|in-depth|comprehensive(ly)?|thorough(ly)?|elaborate\w*|"
           r"(long|lengthy|full|complete) (essay|story|article|answer|response|explanation|description|letter|"
           r"poem|report|guide|tutorial|list|version|speech)|essays?|step[- ]by[- ]step|extensive(ly)?|"
           r"justify\w*|show (your|the|all) work(ing)?|explain your (reasoning|answer|steps))\b"),
     "long"),
]

_YES_NO = re.compile(r"(^|[.!?\n:]\s*)(is|are|was|were|do|does|did|can|could|will|would|should|shall|has|have|had|"
                     r"may|might|must|am|isn't|aren't|doesn't|don't|didn't|can't|won't)\b[^.!?\n]{2,200}\?\s*$")
# A prompt written for completion ("Answer:", "Output:", "[EX A]:", "I think the answer is")
# wants the short answer that completes it.
_COMPLETION = re.compile(r"(^|\n)[^\n]{0,40}(:|\b(is|are|be))\s*$")
# A task definition that fixes its output ("the output is the TLD", "return 'unanswerable'").
_OUTPUT_SPEC = _Cues(r"\b(the output\b[^.\n]{0,30}\b(is|are|should|must|will)|output should|return (only|just|\"|')|return (the|a|an) (answer|result|value|number|output|word|name|letter|label|index|list|count)\b|your answer (should|"
                     r"must)|answer should be|respond with (only|just|a|the)|output (only|just|a single))\b")
# A short factoid question ("What's the square root of 144?") is answered in a sentence.
_FACTOID = re.compile(r"^\W*(what|what's|who|who's|when|where|which|whats)\b[^\n?]{0,60}\?\s*$")
_HOW_TO = re.compile(r"(^|\n)\W*how (to|do|can|should|would|does|did) ")
_MATH_CUE = _Cues(r"\b(how (many|much|long|far|fast|old)|calculate|compute|solve|evaluate|simplify|"
                  r"find (the|x|y)\b|what is the (sum|product|difference|total|average|area|volume|probability|"
                  r"percentage|value|result|cost|price|remainder)|round\w*|convert|equations?|percent\w*)\b|"
                  r"\d\s*[-+*/x×÷^=]\s*\(?\d|%")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_LANG_NAMES = {n.lower(): c for c, n in language.NAMES.items()}


# No language name starts another, so the longest name at a position is the only one.
assert not any(a != b and a.startswith(b) for a in _LANG_NAMES for b in _LANG_NAMES)
_LANGUAGE_NAME = _Cues(r"\b(" + _trie(_LANG_NAMES) + ")")  # also glued: "in IndonesianYou will"
_TOOL_SIGNATURE = re.compile(r"^\s*[a-z_][a-z0-9_]*\(\s*[a-z_][a-z0-9_ ,]*\)\s*$", re.M)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

# Substrings one of which every cue of a kind contains: a cheap test before its regex
# (most prompts are open questions, for which every kind's regex would otherwise run).
_KIND_GATES = {
    TRANSLATION: ("translat", "traduc", "traduz", "tradui", "übersetz", "say"),  # and "... to French:" at the end
    CODE: ("python", "javascript", "typescript", "java", "c++", "c#", "golang", "php", "perl", "kotlin", "scala",
           "haskell", "matlab", "bash", "powershell", "sql", "postgres", "html", "css", "regex", "regular expression",
           "jquery", "node.js", "django", "flask", "pandas", "numpy", "tensorflow", "pytorch", "vba", "svg", "latex",
           "```", "code", "program", "function", "script", "quer", "algorithm", "snippet", "api", "endpoint",
           "unit test", "pseudo", "command", "web page", "webpage", "html page", "debug", "refactor", "compile"),
    CLASSIFICATION: ("classif", "categori", "sentiment", "true", "false", "yes", "no,", "no or", "choose", "pick",
                     "select", "which one", "which of", "option", "choice", "\n(", "a)", "b)", "c)", "entail",
                     "contradict", "polarity", "positive or", "negative or", "is this", "is the following",
                     "opinion", "multiple", "answer", "agree", "or not", "output "),
    EXTRACTION: ("extract", "fill ", "identify", "detect", "find", "pull out", "list", "name", "underline",
                 "highlight", "point out", "locate", "keyword", "entities"),
    SUMMARY: ("summar", "tl;dr", "tldr", "condense", "nutshell", "main idea", "main point", "key point",
              "key takeaway", "gist", "abstract", "headline", "title"),
    REWRITE: ("rewrit", "re-writ", "repeat", "trim", "cut it", "cut this", "rephras", "paraphras", "reword", "edit",
              "proofread", "correct", "fix", "make it", "make this", "make the", "simplify", "voice", "tense",
              "change the", "change this", "convert", "shorten", "rearrange", "reorder", "capitali", "grammatically"),
    CREATIVE: ("poem", "poetry", "haiku", "limerick", "sonnet", "verse", "rhym", "lyric", "song", "rap", "ballad",
               "jingle", "stor", "tale", "fable", "novel", "chapter", "scene", "script", "screenplay", "dialog",
               "monologue", "soliloqu", "speech", "toast", "eulog", "joke", "pun", "riddle", "slogan", "tagline",
               "motto", "tweet", "caption", " ad", "advert", "commercial", "announcement", "invitation", "letter",
               "essay", "blog", "article", "narrat", "fiction", "fan", "plot", "prose", "greeting", "description",
               "bio", "review", "role"),
}
_KIND_RE = [(k, _Cues(p) if p else None) for k, p in _KIND_CUES]
# All gates in one pass: at each position the longest gate starting there (a lookahead,
# so gates that overlap are all seen), and for each gate the kinds of every gate it starts
# with, so a kind is found exactly when one of its gates is in the text.
_GATE_SCAN = re.compile("(?=(" + _trie({g for gates in _KIND_GATES.values() for g in gates}) + "))")
_GATE_KINDS = {s: frozenset(k for k, gates in _KIND_GATES.items() if any(s.startswith(g) for g in gates))
               for s in {g for gates in _KIND_GATES.values() for g in gates}}


# Only a gate with a line break can span two parts of the cue text (joined by one).
_NEWLINE_GATES = tuple(g for g in _GATE_KINDS if "\n" in g)


def _gated_kinds(parts: list[str], low: str) -> set:
    """The kinds one of whose gates ``low``, the lower-cased ``parts`` joined by line
    breaks, contains: the gates of each part, and those that span two."""
    kinds: set = set()
    for part in parts:
        kinds |= _part_gates(part)
    for gate in _NEWLINE_GATES:
        if gate in low:
            kinds |= _GATE_KINDS[gate]
    return kinds


@functools.lru_cache(maxsize=256)
def _part_gates(part: str) -> frozenset:
    """The kinds one of whose gates a part contains (memoized: a dataset repeats a few
    system prompts)."""
    kinds: set = set()
    for s in set(_GATE_SCAN.findall(part)):
        kinds |= _GATE_KINDS[s]
    return frozenset(kinds)


# The gates of the leading kinds alone, for :func:`leading_kind`.
_LEADING_GATES = {k: re.compile(_trie(_KIND_GATES[k])) for k in (TRANSLATION, CODE)}
assert not any("\n" in g for k in _LEADING_GATES for g in _KIND_GATES[k])

_FORMAT_RE = {k: _Cues(p) for k, p in _FORMAT_CUES.items()}
_REGISTER_RE = {k: _Cues(p) for k, p in _REGISTER_CUES.items()}


# Plain ASCII by bytes: white space (as ``str.split`` sees it) to b" ", the rest to b"x".
_WORD_MARKS = bytes(32 if chr(b).isspace() else 120 for b in range(256))


def word_count(text: str) -> int:
    """Words as a reader counts them: whitespace-separated, and in Chinese, Japanese
    and Korean (written without spaces between words) about 1.5 characters a word."""
    if text.isascii():
        # ``len(text.split())`` without making the words: count where each word starts.
        marks = text.encode().translate(_WORD_MARKS)
        return marks.count(b" x") + (marks[:1] == b"x")
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(text.split())
    rest = _CJK.sub(" ", text).split()
    return sum(1 for w in rest if any(c.isalnum() for c in w)) + round(cjk / 1.5)


def instruction_parts(example, system: bool = True) -> tuple[str, str]:
    """(instruction text, source passage) of the user turns, and of the system prompt
    unless ``system`` is False."""
    parts, source = [], []
    for t in example.turns:
        if t.role in ("system", "developer"):
            if system:
                parts.append(t.text[:3000])
        elif t.role == "user":
            ask, src = _turn_parts(t)
            parts.append(ask)
            if src:
                source.append(src)
    return "\n".join(parts), "\n".join(source)


CUE_CHARS = 800  # of each turn, cues are read in the first and last 400 characters


def _cue_text(example) -> str:
    """Where a request's cues are read: the start and end of the system prompt and of each
    user turn, without Alpaca's input (data, whose shape is read separately)."""
    return "\n".join(_cue_parts(example))


def _cue_parts(example) -> list[str]:
    """The parts of :func:`_cue_text`, one a turn."""
    parts = []
    for t in example.turns:
        if t.role in ("system", "developer"):
            parts.append(t.text[:CUE_CHARS])
        elif t.role == "user":
            plain = len(t.segments) <= 1 or not t.segments[-1].pointer.endswith("/input")
            text = t.text if plain else _turn_parts(t)[0]
            # A request sits at the start or the end of a turn: a long middle is a passage.
            half = CUE_CHARS // 2
            parts.append(text if len(text) <= CUE_CHARS else text[:half] + "\n" + text[-half:])
    return parts


def _turn_parts(t) -> tuple[str, str]:
    """(instruction, passage) of one user turn."""
    segs = t.segments
    if len(segs) > 1 and segs[-1].pointer.endswith("/input"):
        # Alpaca: the instruction field asks, the input field is the passage.
        cut = segs[-1].turn_offset
        return t.text[:cut], t.text[cut:]
    text = t.text
    if len(text) > 1200:
        # A request sits before or after a pasted passage, rarely inside it.
        paras = [p for p in text.split("\n") if p.strip()]
        if len(paras) >= 3:
            return paras[0] + "\n" + paras[-1], "\n".join(paras[1:-1])
        return text[:400] + "\n" + text[-400:], text[400:-400]
    paras = [p for p in text.split("\n\n") if p.strip()]
    if len(paras) >= 2:
        # "Translate this:\n\n<passage>" or "<passage>\n\nWhich language is this?": when one
        # end is much shorter than the rest, it is the request and the rest its passage.
        first = len(paras[0]) <= len(paras[-1])
        end = paras[0] if first else paras[-1]
        if 2 * len(end) < len(text) - len(end):
            return end, "\n\n".join(paras[1:] if first else paras[:-1])
    return text, ""


def _number(word: str) -> int:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word, 1 if word == "a single" else 3)


_UNIT_NAMES = {"bullet point": "item", "bullet": "item", "verse": "line", "stanza": "paragraph"}
_CHARS_PER_WORD = 5


_UNIT_GATE = ("word", "line", "sentence", "paragraph", "bullet", "verse", "stanza", "character")


def _length(text: str) -> Length | None:
    counted = any(u in text for u in _UNIT_GATE)  # the counted forms all name a unit
    for rx, how in _LENGTH:
        if how not in ("short", "long") and not counted:
            continue
        m = rx.search(text)
        if not m:
            continue
        if how == "one":
            unit = "word" if "word" in m.group(1) else "sentence"
            return Length(unit, most=1, strict=m.group(1).startswith("in "))
        if how in ("short", "long"):
            return Length(how)
        strict = how != "bare"
        if how == "bare":
            how = "most"
        groups = [g for g in m.groups() if g]
        unit = groups[-1]
        unit = unit[:-1] if unit.endswith("s") else unit
        unit = _UNIT_NAMES.get(unit, unit)
        n = _number(groups[-2])
        if unit == "character":
            if how == "bare":
                continue  # "five characters" is a cast, "in 280 characters" a length
            unit, n = "word", max(1, n // _CHARS_PER_WORD)
        return Length(unit, least=n, strict=strict) if how == "least" else Length(unit, most=n, strict=strict)
    return None


# Most datasets repeat a few system prompts: their length cue is read once each.
_system_length = functools.lru_cache(maxsize=256)(_length)


def _is_math(low: str) -> bool:
    return len(_DIGITS.findall(low)) >= 2 and bool(_MATH_CUE.search(low))


def source_is_data(example) -> bool:
    """Whether the passage is Alpaca's ``input`` field (data the instruction works on)."""
    return any(len(t.segments) > 1 and t.segments[-1].pointer.endswith("/input") for t in example.turns
               if t.role == "user")


def formats_of(example, kind: str) -> frozenset:
    """The formats the prompt asks for or hands over (read only for replies whose shape
    needs explaining: most replies are plain text)."""
    _, source = instruction_parts(example)
    low = _cue_text(example).lower()
    # A format named anywhere the user writes (a long chat turn keeps its request in the
    # middle as often as at the ends); Alpaca's input is data, its shape is read below.
    wide = low if source_is_data(example) else low + "\n" + source.lower()
    formats = {f for f, rx in _FORMAT_RE.items() if rx.search(wide)}
    if kind == CODE:
        formats.add(CODE_FORMAT)
    src = source.lstrip()
    if src[:1] in ("[", "{"):
        formats.update((JSON, ARRAY))  # a reply follows the form of the data it was given
    elif src[:1] == "<":
        formats.add(MARKUP)
    elif "|" in src and ("---" in src or src.count("|") >= 4):
        formats.add(TABLE)
    return frozenset(formats)


def registers_of(example) -> frozenset:
    """The registers the prompt asks for, all of them (the profile reads them one at a time,
    stopping at the first that licenses a marker; the tests compare the two)."""
    low = cue_text(example)
    return frozenset(r for r in _REGISTER_RE if asks_for(low, r))


def cue_text(example) -> str:
    """Where a request's cues are read (:func:`_cue_text`), lower-cased."""
    return _cue_text(example).lower()


def asks_for(low: str, register: str) -> bool:
    """Whether a prompt's lower-cased cue text asks for ``register`` (the style profile
    reads one register at a time, and only for replies with a marker to license)."""
    return _REGISTER_RE[register].search(low) is not None


def of(record) -> Request:
    """The whole request of a record, memoized on it (the rules that weigh a length or a
    closed question read it; the others ask :func:`leading_kind` and :func:`named_languages`)."""
    req = record.extra.get(_KEY)
    if req is None:
        example = record.example
        req = analyze(example) if example is not None else NONE
        record.extra[_KEY] = req
    return req


_LEADING_KEY = "jl4.leading-kind"
_PROMPT_ROLES = ("system", "developer", "user")
_LEADING = (TOOL, TRANSLATION, CODE)  # the kinds tried first, in this order


def leading_kind(record) -> str | None:
    """The request's kind when it is tool use, a translation or code, else None: what the
    style profile and the language check ask, answered without the rest of the request
    (the later kinds, the length, a closed question), which most runs never read."""
    req = record.extra.get(_KEY)
    if req is not None:
        return req.kind if req.kind in _LEADING else None
    kind = record.extra.get(_LEADING_KEY, False)
    if kind is False:
        example = record.example
        kind = _leading(example) if example is not None else None
        record.extra[_LEADING_KEY] = kind
    return kind


def is_tool(record) -> bool:
    """Whether the request is tool use (``leading_kind(record) == TOOL``), which every
    profile asks: without a ``tools`` field only a "name(args)" line makes it, so a prompt
    without "(" is not, and nothing else is read."""
    req = record.extra.get(_KEY)
    if req is not None:
        return req.kind == TOOL
    kind = record.extra.get(_LEADING_KEY, False)
    if kind is not False:
        return kind == TOOL
    example = record.example
    if example is None:
        return False
    if not example.tools:
        for t in example.turns:
            if "(" in t.text and t.role in _PROMPT_ROLES:
                break
        else:
            return False
    return _is_tool(example)


@stage("style request")
def _is_tool(example) -> bool:
    cues = _cues(example)
    return cues is not None and _tool(example, cues[1])


def _tool(example, low: str) -> bool:
    """The prompt declares tools (a ``tools`` field, or "wikipedia(query)" lines)."""
    return bool(example.tools) or ("(" in low and _TOOL_SIGNATURE.search(low) is not None)


@stage("style request")
def _leading(example) -> str | None:
    cues = _cues(example)
    return _kind(example, *cues, last=CODE) if cues is not None else None


def named_languages(record) -> frozenset:
    """The languages the request names (``Request.languages``), read on its own."""
    req = record.extra.get(_KEY)
    if req is not None:
        return req.languages
    example = record.example
    return _languages_named(example) if example is not None else frozenset()


@stage("style request")
def _languages_named(example) -> frozenset:
    cues = _cues(example)
    return _named_languages(cues[1], cues[2]) if cues is not None else frozenset()


def _cues(example) -> tuple[list[str], str, str] | None:
    """(lower-cased cue parts, the same joined by line breaks, source passage), None
    without an instruction."""
    instruction, source = instruction_parts(example)
    if not instruction:
        return None
    parts = [part.lower() for part in _cue_parts(example)]
    return parts, "\n".join(parts), source  # the same as lower-casing the joined text (case context ends at a line break)


def _kind(example, parts: list[str], low: str, source: str, last: str | None = None) -> str | None:
    """The task kind; with ``last``, None once every kind up to ``last`` is ruled out."""
    if _tool(example, low):
        return TOOL
    # Where only the first kinds are asked, their gates are tested on their own: cheaper
    # than every gate's scan (none of them has a line break, so the joined text is enough).
    gated = _gated_kinds(parts, low) if last is None else None
    kind = QUESTION
    for k, rx in _KIND_RE:
        if rx is None:
            if _is_math(low + " " + source[:400].lower()):
                kind = k
                break
        elif ((k in gated if gated is not None else _LEADING_GATES[k].search(low) is not None)
              or (k == TRANSLATION and "to " in low[-40:])) and rx.search(low):
            kind = k
            break
        if k == last:
            return None
    if kind == CREATIVE and _HOW_TO.search(low):
        kind = QUESTION  # "How to write a confirmation letter?" asks about writing
    return kind


def _named_languages(low: str, source: str) -> frozenset:
    return frozenset(_LANG_NAMES[m.group(1)] for m in _LANGUAGE_NAME.finditer(low + "\n" + source[:2000].lower()))


@stage("style request")
def analyze(example) -> Request:
    """The request of an example's system prompt and user turns."""
    cues = _cues(example)
    if cues is None:
        return NONE
    parts, low, source = cues
    kind = _kind(example, parts, low, source)
    langs = _named_languages(low, source)
    # Length, closed questions and the passage are the last user turn's: the reply answers it.
    users = [t for t in example.turns if t.role == "user"]
    last, last_source = _turn_parts(users[-1]) if users else ("", "")
    last_low = last.lower().rstrip()
    # The closed-question patterns end at the end of the (stripped) text: "?", ":", "is".
    asks = last_low.endswith("?")
    closed = kind == CLASSIFICATION or bool((asks and _YES_NO.search(last_low[-400:]))
                                            or (last_low.endswith((":", "is", "are", "be"))
                                                and _COMPLETION.search(last_low[-80:]))
                                            or (asks and _FACTOID.search(last_low)) or (
                                                ("output" in low or "return" in low or "answer" in low
                                                 or "respond" in low) and _OUTPUT_SPEC.search(low)))
    length = _length(last_low)
    # A system prompt can ask for length too ("think step by step and justify your steps").
    system = "\n".join(t.text[:3000] for t in example.turns if t.role in ("system", "developer")).lower()
    if system and (length is None or length.unit != "long"):
        asked_long = _system_length(system)
        if asked_long is not None and asked_long.unit == "long":
            length = asked_long
    return Request(kind=kind, length=length,
                   yes_no=closed, languages=langs, source_words=word_count(last_source) if last_source else 0,
                   prompt_words=word_count(users[-1].text) if users else 0)
