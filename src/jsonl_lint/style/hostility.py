"""Contempt, condescension and dismissiveness toward the user (English).

An insult word alone says little ("Dumb and Dumber", "a dumb terminal", "stealing is
wrong!"); what makes a reply hostile is where it points: at the user ("you clearly
have no idea"), at the question ("that's a stupid question"), at the user's
effort ("figure it out yourself", "did you even read it?"), or sarcasm ("wow,
great job breaking it"). Each pattern below is one such phrasing family, scored 2
(hostile on its own) or 1 (hostile only beside another cue). Quoted text is
blanked by the caller, so an insult the user asked to see is not the reply's voice.

Measured against VADER's sentiment lexicon on a labelled set (see
``docs/consistency.md``): sentiment finds negative words, not contempt, and it
reads sarcasm as praise, so these patterns are what JL401 uses.
"""

from __future__ import annotations

import re

# Sentence start: the beginning, after end punctuation, a colon or a line break.
_S = r"(?:^|(?<=[.!?:;\n])\s*|(?<=[.!?]['\"])\s*)"
_YOU_ARE = r"\b(?:you(?:'re| are)|ur)\b"
_INSULT_ADJ = (r"(?:stupid|idiotic|dumb|moronic|clueless|lazy|pathetic|ignorant|incompetent|hopeless|useless|dense|"
               r"thick|slow|brainless|dim|helpless|a lost cause|impossible)")
_INSULT_NOUN = r"(?:idiot|moron|fool|imbecile|dimwit|dummy|dumbass|loser|genius|einstein|sherlock|clown|joke)"

PATTERNS: list[tuple[int, str]] = [
    # Insults aimed at the user or the question.
    (2, _YOU_ARE + r"\s+(?:(?:really|so|such|just|being|completely|totally|hopelessly|clearly|obviously|truly|"
                   r"honestly|simply|an?)\s+)*(?:" + _INSULT_ADJ + r"|" + _INSULT_NOUN + r")\b"),
    (2, r"(?<!no such thing as )(?<!not )(?<!isn't )(?<!never )(?<!no )\b(?:a |the |such a |what a |your |this |that )"
        r"(?:stupid|dumb|dumbest|stupidest|idiotic|moronic|ridiculous|pointless|pathetic|lazy|asinine|silly)\s+"
        r"(?:question|request|idea|mistake|excuse|thing to ask)\b"),
    (2, r"\b(?:your|this|that) (?:question|request|idea) (?:makes no sense|is (?:stupid|dumb|ridiculous|pointless|"
        r"absurd|nonsense|a joke))"),
    (2, r"\b(?:dumbest|stupidest) (?:thing|question)\b"),
    (2, r"\b(?:nice|good|great|way to go|thanks|well done|smooth|real smart|brilliant|bravo|nice one)\b[^.!?\n]{0,30},\s*"
        r"(?:genius|einstein|sherlock|smart guy|smarty pants|champ)\s*[.!?]"),
    (2, r"\bno (?:shit|kidding),? sherlock\b"),
    (2, r"\bwhat a genius\b"),
    (2, r"\bare you (?:really |actually |just )?(?:that|this|so) (?:stupid|dense|slow|dumb|clueless)\b"),
    # Dismissing the request or the user's effort.
    (2, _S + r"(?:just |now )?(?:figure (?:it|this|that) out\b(?! together)|look it up|google it\s*[.!,]|"
        r"do your own (?:homework|research|work)|rtfm|stop (?:asking|bothering|wasting|whining|complaining)|"
        r"go away|leave me alone|deal with it\s*[.!]|get over it|shut up|ask (?:someone|somebody) else|"
        r"learn to (?:read|google|search|spell|use)|(?:try )?us(?:e|ing) your (?:brain|head|common sense|eyes)|"
        r"think for yourself|grow up|get a clue|get lost|take a hint)"),
    (2, r"\bfigure (?:it|this|that) out (?:yourself|on your own|for yourself)\b"),
    (2, r"\bnot (?:my|our) (?:problem|job|concern)\b(?! to)"),
    (2, r"\bi (?:really |honestly )?(?:don't|do not|couldn't|could not) care(?: less)?\s*[.!]|\bwho cares\b"),
    (2, r"\b(?:a )?waste of (?:my|our) time\b|\bwasting (?:my|our) time\b"),
    (2, r"\b(?:i |we )?(?:don't|do not) have time for (?:this|you|your)\b"),
    (2, r"\b(?:not here to|not going to|not gonna|won't) (?:hold your hand|spoon-?feed|babysit|do your)\b"),
    (2, r"\b(?:stop|quit) bothering me\b|\bbefore bothering me\b|\bbother me with\b"),
    (2, r"\bthanks for nothing\b"),
    (2, r"\bbless your (?:little )?heart\b"),
    # Condescension.
    (2, r"\bi can'?t believe you (?:don't|didn't|do not|did not|would|haven't|have not|still|never|actually|"
        r"really|can't|couldn't)\b"),
    (2, r"\b(?:even (?:a|an|my)|any) (?:child|kid|toddler|five[- ]year[- ]old|5[- ]year[- ]old|monkey|baby|"
        r"grandma|first[- ]grader) (?:could|can|knows|would|understands|gets)\b"),
    (2, r"\beven you (?:can|could|should|would)\b"),
    (2, r"\bonly (?:an? )?(?:idiot|moron|fool|imbecile|amateur)s? (?:would|could|does|do|can)\b"),
    (2, r"\bnot (?:rocket science|brain surgery)\s*[.!]"),
    (2, r"\bhow (?:hard|difficult) (?:is|can) it (?:be )?to\b"),
    (2, r"\b(?:i've|i have|i already|i've already|i have already) (?:already )?(?:told|explained|said) (?:you|this|that|"
        r"it)(?: \w+){0,3} (?:already|before|twice|(?:a )?(?:hundred|thousand|million|dozen) times|over and over)\b"),
    (2, r"\bhow many times (?:do|must|will|should|have|did) (?:i|you)\b"),
    (2, r"\bare you (?:even |actually |seriously |really )?(?:listening|reading|kidding|joking|blind|deaf)\b"),
    (2, r"\bare you (?:serious|for real)(?: right now)?\?"),
    (2, r"\b(?:did|do|can|have) you (?:even|actually even)\b"),
    (2, r"\byou (?:really |clearly |obviously |of all people )?(?:should|ought to) (?:already |really )?"
        r"(?:know|have known|understand) (?:better|this|by now)\b"),
    (2, r"\b(?:obviously|clearly|apparently|evidently),? you (?:didn't|did not|haven't|have not|have no idea|"
        r"don't know|do not know|never (?:read|listened|tried|bothered))\b"),
    (2, r"\byou (?:clearly |obviously |really |just |simply )?(?:have no (?:idea|clue)|don't (?:get|understand) "
        r"(?:it|anything)|haven't (?:a|got a) clue)\b"),
    (2, r"\byou people\b"),
    (2, r"\bi shouldn'?t (?:have to|need to) (?:spell|explain|tell|repeat)\b"),
    (2, r"\bwhat part of\b.{1,60}\b(?:don't|do not|didn't) you (?:understand|get)\b"),
    (2, r"\bif you (?:had|would have|'d) (?:bothered|paid attention|read|listened|looked|tried)\b"),
    (2, r"\b(?:it's|it is|that's|that is|this is) (?:painfully|blindingly|glaringly) obvious\b"),
    (2, r"\bpay attention (?:this time|for once|next time)\b|" + _S + r"pay attention\s*[.!:]"),
    (2, r"\bnext time,? (?:try|please try|read|think|do)\b"),
    # Sarcasm: praise for a failure, relief at more trouble.
    (2, r"\b(?:great|nice|good|brilliant|fantastic|amazing|wonderful|excellent|terrific) (?:job|work|going|move)\b,?\s+"
        r"(?:\w+ )?(?:breaking|ruining|messing|deleting|losing|crashing|destroying|wrecking|locking|forgetting|"
        r"screwing|blowing)\b"),
    (2, r"\b(?:oh|wow|gee|well),? (?:great|perfect|wonderful|brilliant|fantastic|lovely|terrific|super)[.!,]?\s+"
        r"(?:another|now you|just what)\b"),
    (2, r"\bjust what i (?:needed|wanted)\b"),
    (2, r"\bcongratulations,? you (?:managed|broke|ruined|did it again|outdid|finally)\b"),
    # Weaker cues: hostile beside another one.
    (1, _S + r"(?:ugh+|sigh|duh|good grief|jeez|geez|ffs|smh|for god's sake|for crying out loud|honestly|"
        r"come on|seriously|really|whatever)\s*[?!,.]"),
    (1, r"\bduh\b|\bfor crying out loud\b|\bgood grief\b"),
    (1, r"\b(?:happy|satisfied) now\?"),
    (1, r"\bof course not\b"),
    (1, r"\bfor once\b"),
    (1, r"\bnot rocket science\b|\bnot brain surgery\b"),
    (1, r"\bas i (?:already |just |clearly )?(?:said|told you|explained|mentioned)\b"),
    (1, r"\b(?:it's|this is|that's) (?:so |really |pretty |just )?(?:basic|elementary|obvious|simple) "
        r"(?:math|stuff|logic|english|common sense)\b"),
    (1, _S + r"read the (?:manual|docs|documentation|faq|instructions|label)(?: (?:yourself|first|next time|already|"
        r"for once|again))?\s*[.!]"),
    (1, r"\b(?:stop|quit) (?:overthinking|complaining|whining)\b"),
    (1, r"\bgood luck with that\b|\bnice try\b"),
]

_RX = re.compile("|".join(f"(?P<p{i}>{p})" for i, (_, p) in enumerate(PATTERNS)), re.I | re.M)
_WEIGHT = [w for w, _ in PATTERNS]
# Cheap test before the big pattern: every pattern needs one of these words.
_HINT = re.compile(r"you|your|ur\b|stupid|dumb|idiot|question|figure|google|look it|rtfm|stop|go away|leave me|deal|"
                   r"get over|shut|ask some|learn|brain|think|grow up|clue|lost|hint|problem|job|care|time|hold|"
                   r"spoon|babysit|bother|nothing|bless|believe|child|kid|toddler|year|monkey|baby|grandma|grader|"
                   r"hard|difficult|told|explained|said|times|listening|reading|kidding|serious|even|know|obvious|"
                   r"people|spell|part of|attention|next time|job|work|going|move|great|perfect|needed|wanted|"
                   r"congratulations|ugh|sigh|duh|grief|jeez|geez|ffs|smh|god|crying|honestly|come on|seriously|"
                   r"really|whatever|happy|satisfied|course|once|rocket|surgery|basic|elementary|common sense|"
                   r"read the|complain|whin|luck|nice try|fuck|shit|crap|damn|bitch|bastard|ass|dick|wtf|stfu|piss|"
                   r"genius|einstein|sherlock|champ|smart|brilliant|wonderful|fantastic|lovely|terrific|super|"
                   r"another|only", re.I)


def find(text: str):
    """(start, end, weight) of every hostile cue in ``text``."""
    if not _HINT.search(text):
        return []
    text = text.replace("\u2019", "'")
    out = []
    for m in _RX.finditer(text):
        i = int(m.lastgroup[1:])
        start, end = m.span()
        while start < end and text[start].isspace():
            start += 1
        out.append((start, end, _WEIGHT[i]))
    return out


def score(text: str) -> int:
    return sum(w for _, _, w in find(text))
