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

from ..lazy_regex import LazyRegex

# Sentence start: the beginning, after end punctuation, a colon or a line break.
_S = r"(?:^|(?<=[.!?:;\n])\s*|(?<=[.!?]['\"])\s*)"
_YOU_ARE = r"\b(?:you(?:'re| are)|ur)\b"
_INSULT_ADJ = (r"(?:stupid|idiotic|dumb|moronic|clueless|lazy|pathetic|ignorant|incompetent|hopeless|useless|dense|"
               r"thick|slow|brainless|dim|helpless|a lost cause|impossible)")
_INSULT_NOUN = r"(?:idiot|moron|fool|imbecile|dimwit|dummy|dumbass|loser|genius|einstein|sherlock|clown|joke)"

PATTERNS: list[tuple[int, tuple[str, ...], str]] = [
    # (weight, needles: one must occur in the lower-cased text before the pattern runs, pattern)
    # Insults aimed at the user or the question.
    (2, ('stupid', 'idiot', 'dumb', 'moron', 'clueless', 'lazy', 'pathetic', 'ignorant', 'incompetent', 'hopeless', 'useless', 'dense', 'thick', 'slow', 'brainless', 'dim', 'helpless', 'lost cause', 'impossible', 'fool', 'imbecile', 'dimwit', 'dummy', 'loser', 'genius', 'einstein', 'sherlock', 'clown', 'joke'), _YOU_ARE + r"\s+(?:(?:really|so|such|just|being|completely|totally|hopelessly|clearly|obviously|truly|"
                   r"honestly|simply|an?)\s+)*(?:" + _INSULT_ADJ + r"|" + _INSULT_NOUN + r")\b"),
    (2, ('stupid', 'dumb', 'idiotic', 'moronic', 'ridiculous', 'pointless', 'pathetic', 'lazy', 'asinine', 'silly'), r"(?<!no such thing as )(?<!not )(?<!isn't )(?<!never )(?<!no )\b(?:a |the |such a |what a |your |this |that )"
        r"(?:stupid|dumb|dumbest|stupidest|idiotic|moronic|ridiculous|pointless|pathetic|lazy|asinine|silly)\s+"
        r"(?:question|request|idea|mistake|excuse|thing to ask)\b"),
    (2, ('makes no sense', 'is stupid', 'is dumb', 'is ridiculous', 'is pointless', 'is absurd', 'is nonsense', 'is a joke'), r"\b(?:your|this|that) (?:question|request|idea) (?:makes no sense|is (?:stupid|dumb|ridiculous|pointless|"
        r"absurd|nonsense|a joke))"),
    (2, ('dumbest', 'stupidest'), r"\b(?:dumbest|stupidest) (?:thing|question)\b"),
    (2, ('genius', 'einstein', 'sherlock', 'smart guy', 'smarty', 'champ'), r"\b(?:nice|good|great|way to go|thanks|well done|smooth|real smart|brilliant|bravo|nice one)\b[^.!?\n]{0,30},\s*"
        r"(?:genius|einstein|sherlock|smart guy|smarty pants|champ)\s*[.!?]"),
    (2, ('sherlock',), r"\bno (?:shit|kidding),? sherlock\b"),
    (2, ('what a genius',), r"\bwhat a genius\b"),
    (2, ('are you that', 'are you this', 'are you so', 'are you really', 'are you actually', 'are you just'), r"\bare you (?:really |actually |just )?(?:that|this|so) (?:stupid|dense|slow|dumb|clueless)\b"),
    # Dismissing the request or the user's effort.
    (2, ('figure it', 'figure this', 'figure that', 'look it up', 'google it', 'do your own', 'rtfm', 'stop asking', 'stop bothering', 'stop wasting', 'stop whining', 'stop complaining', 'go away', 'leave me alone', 'deal with it', 'get over it', 'shut up', 'someone else', 'somebody else', 'learn to', 'your brain', 'your head', 'your common sense', 'your eyes', 'think for yourself', 'grow up', 'get a clue', 'get lost', 'take a hint'), _S + r"(?:just |now )?(?:figure (?:it|this|that) out\b(?! together)|look it up|google it\s*[.!,]|"
        r"do your own (?:homework|research|work)|rtfm|stop (?:asking|bothering|wasting|whining|complaining)|"
        r"go away|leave me alone|deal with it\s*[.!]|get over it|shut up|ask (?:someone|somebody) else|"
        r"learn to (?:read|google|search|spell|use)|(?:try )?us(?:e|ing) your (?:brain|head|common sense|eyes)|"
        r"think for yourself|grow up|get a clue|get lost|take a hint)"),
    (2, ('figure it out', 'figure this out', 'figure that out'), r"\bfigure (?:it|this|that) out (?:yourself|on your own|for yourself)\b"),
    (2, ('not my', 'not our'), r"\bnot (?:my|our) (?:problem|job|concern)\b(?! to)"),
    (2, ("don't care", 'do not care', "couldn't care", 'could not care', 'who cares'), r"\bi (?:really |honestly )?(?:don't|do not|couldn't|could not) care(?: less)?\s*[.!]|\bwho cares\b"),
    (2, ('waste of', 'wasting'), r"\b(?:a )?waste of (?:my|our) time\b|\bwasting (?:my|our) time\b"),
    (2, ('have time for',), r"\b(?:i |we )?(?:don't|do not) have time for (?:this|you|your)\b"),
    (2, ('hold your hand', 'spoon', 'babysit', 'do your'), r"\b(?:not here to|not going to|not gonna|won't) (?:hold your hand|spoon-?feed|babysit|do your)\b"),
    (2, ('bothering me', 'bother me'), r"\b(?:stop|quit) bothering me\b|\bbefore bothering me\b|\bbother me with\b"),
    (2, ('thanks for nothing',), r"\bthanks for nothing\b"),
    (2, ('bless your',), r"\bbless your (?:little )?heart\b"),
    # Condescension.
    (2, ('believe you',), r"\bi can'?t believe you (?:don't|didn't|do not|did not|would|haven't|have not|still|never|actually|"
        r"really|can't|couldn't)\b"),
    (2, ('even a ', 'even an ', 'even my ', 'any child', 'any kid', 'any toddler', 'any five', 'any 5', 'any monkey', 'any baby', 'any grandma', 'any first'), r"\b(?:even (?:a|an|my)|any) (?:child|kid|toddler|five[- ]year[- ]old|5[- ]year[- ]old|monkey|baby|"
        r"grandma|first[- ]grader) (?:could|can|knows|would|understands|gets)\b"),
    (2, ('even you',), r"\beven you (?:can|could|should|would)\b"),
    (2, ('idiot', 'idiots', 'moron', 'morons', 'fool', 'fools', 'imbecile', 'imbeciles', 'amateur', 'amateurs'), r"\bonly (?:an? )?(?:idiot|moron|fool|imbecile|amateur)s? (?:would|could|does|do|can)\b"),
    (2, ('rocket science', 'brain surgery'), r"\bnot (?:rocket science|brain surgery)\s*[.!]"),
    (2, ('how hard', 'how difficult'), r"\bhow (?:hard|difficult) (?:is|can) it (?:be )?to\b"),
    (2, ('told you', 'told this', 'told that', 'told it', 'explained this', 'explained that', 'explained it', 'explained you', 'said this', 'said that', 'said it', 'said you'), r"\b(?:i've|i have|i already|i've already|i have already) (?:already )?(?:told|explained|said) (?:you|this|that|"
        r"it)(?: \w+){0,3} (?:already|before|twice|(?:a )?(?:hundred|thousand|million|dozen) times|over and over)\b"),
    (2, ('how many times',), r"\bhow many times (?:do|must|will|should|have|did) (?:i|you)\b"),
    (2, ('are you even', 'are you actually', 'are you seriously', 'are you really', 'are you listening', 'are you reading', 'are you kidding', 'are you joking', 'are you blind', 'are you deaf'), r"\bare you (?:even |actually |seriously |really )?(?:listening|reading|kidding|joking|blind|deaf)\b"),
    (2, ('are you serious', 'are you for real'), r"\bare you (?:serious|for real)(?: right now)?\?"),
    (2, ('you even', 'you actually even'), r"\b(?:did|do|can|have) you (?:even|actually even)\b"),
    (2, ('should know', 'should have known', 'should understand', 'should already', 'should really', 'ought to'), r"\byou (?:really |clearly |obviously |of all people )?(?:should|ought to) (?:already |really )?"
        r"(?:know|have known|understand) (?:better|this|by now)\b"),
    (2, ('obviously', 'clearly', 'apparently', 'evidently'), r"\b(?:obviously|clearly|apparently|evidently),? you (?:didn't|did not|haven't|have not|have no idea|"
        r"don't know|do not know|never (?:read|listened|tried|bothered))\b"),
    (2, ('no idea', 'no clue', 'get it', 'get anything', 'understand it', 'understand anything', 'a clue'), r"\byou (?:clearly |obviously |really |just |simply )?(?:have no (?:idea|clue)|don't (?:get|understand) "
        r"(?:it|anything)|haven't (?:a|got a) clue)\b"),
    (2, ('you people',), r"\byou people\b"),
    (2, ("shouldn't", 'shouldnt', 'should not'), r"\bi shouldn'?t (?:have to|need to) (?:spell|explain|tell|repeat)\b"),
    (2, ('what part of',), r"\bwhat part of\b.{1,60}\b(?:don't|do not|didn't) you (?:understand|get)\b"),
    (2, ('if you had', 'if you would have', "if you'd"), r"\bif you (?:had|would have|'d) (?:bothered|paid attention|read|listened|looked|tried)\b"),
    (2, ('painfully obvious', 'blindingly obvious', 'glaringly obvious'), r"\b(?:it's|it is|that's|that is|this is) (?:painfully|blindingly|glaringly) obvious\b"),
    (2, ('pay attention',), r"\bpay attention (?:this time|for once|next time)\b|" + _S + r"pay attention\s*[.!:]"),
    (2, ('next time',), r"\bnext time,? (?:try|please try|read|think|do)\b"),
    # Sarcasm: praise for a failure, relief at more trouble.
    (2, ('great job', 'great work', 'great going', 'great move', 'nice job', 'nice work', 'nice going', 'nice move', 'good job', 'good work', 'good going', 'good move', 'brilliant job', 'brilliant work', 'brilliant going', 'brilliant move', 'fantastic job', 'fantastic work', 'fantastic going', 'fantastic move', 'amazing job', 'amazing work', 'amazing going', 'amazing move', 'wonderful job', 'wonderful work', 'wonderful going', 'wonderful move', 'excellent job', 'excellent work', 'excellent going', 'excellent move', 'terrific job', 'terrific work', 'terrific going', 'terrific move'), r"\b(?:great|nice|good|brilliant|fantastic|amazing|wonderful|excellent|terrific) (?:job|work|going|move)\b,?\s+"
        r"(?:\w+ )?(?:breaking|ruining|messing|deleting|losing|crashing|destroying|wrecking|locking|forgetting|"
        r"screwing|blowing)\b"),
    (2, ('oh great', 'oh perfect', 'oh wonderful', 'oh brilliant', 'oh fantastic', 'oh lovely', 'oh terrific', 'oh super', 'oh, great', 'oh, perfect', 'oh, wonderful', 'oh, brilliant', 'oh, fantastic', 'oh, lovely', 'oh, terrific', 'oh, super', 'wow great', 'wow perfect', 'wow wonderful', 'wow brilliant', 'wow fantastic', 'wow lovely', 'wow terrific', 'wow super', 'wow, great', 'wow, perfect', 'wow, wonderful', 'wow, brilliant', 'wow, fantastic', 'wow, lovely', 'wow, terrific', 'wow, super', 'gee great', 'gee perfect', 'gee wonderful', 'gee brilliant', 'gee fantastic', 'gee lovely', 'gee terrific', 'gee super', 'gee, great', 'gee, perfect', 'gee, wonderful', 'gee, brilliant', 'gee, fantastic', 'gee, lovely', 'gee, terrific', 'gee, super', 'well great', 'well perfect', 'well wonderful', 'well brilliant', 'well fantastic', 'well lovely', 'well terrific', 'well super', 'well, great', 'well, perfect', 'well, wonderful', 'well, brilliant', 'well, fantastic', 'well, lovely', 'well, terrific', 'well, super'), r"\b(?:oh|wow|gee|well),? (?:great|perfect|wonderful|brilliant|fantastic|lovely|terrific|super)[.!,]?\s+"
        r"(?:another|now you|just what)\b"),
    (2, ('just what i',), r"\bjust what i (?:needed|wanted)\b"),
    (2, ('congratulations',), r"\bcongratulations,? you (?:managed|broke|ruined|did it again|outdid|finally)\b"),
    # Weaker cues: hostile beside another one.
    (1, ('ugh,', 'ugh.', 'ugh!', 'ughh', 'sigh', 'duh', 'grief', 'jeez', 'geez', 'ffs', 'smh', "god's sake", 'crying out loud', 'honestly,', 'honestly.', 'honestly!', 'come on', 'seriously?', 'seriously,', 'seriously!', 'seriously.', 'really?', 'really!', 'really,', 'really.', 'whatever.', 'whatever,', 'whatever!'), _S + r"(?:ugh+|sigh|duh|good grief|jeez|geez|ffs|smh|for god's sake|for crying out loud|honestly|"
        r"come on|seriously|really|whatever)\s*[?!,.]"),
    (1, ('duh', 'crying out loud', 'good grief'), r"\bduh\b|\bfor crying out loud\b|\bgood grief\b"),
    (1, ('happy now', 'satisfied now'), r"\b(?:happy|satisfied) now\?"),
    (1, ('of course not',), r"\bof course not\b"),
    (1, ('for once',), r"\bfor once\b"),
    (1, ('rocket science', 'brain surgery'), r"\bnot rocket science\b|\bnot brain surgery\b"),
    (1, ('as i ',), r"\bas i (?:already |just |clearly )?(?:said|told you|explained|mentioned)\b"),
    (1, ('basic math', 'basic stuff', 'basic logic', 'basic english', 'basic common sense', 'elementary math', 'elementary stuff', 'elementary logic', 'elementary english', 'elementary common sense', 'obvious math', 'obvious stuff', 'obvious logic', 'obvious english', 'obvious common sense', 'simple math', 'simple stuff', 'simple logic', 'simple english', 'simple common sense'), r"\b(?:it's|this is|that's) (?:so |really |pretty |just )?(?:basic|elementary|obvious|simple) "
        r"(?:math|stuff|logic|english|common sense)\b"),
    (1, ('read the',), _S + r"read the (?:manual|docs|documentation|faq|instructions|label)(?: (?:yourself|first|next time|already|"
        r"for once|again))?\s*[.!]"),
    (1, ('overthinking', 'complaining', 'whining'), r"\b(?:stop|quit) (?:overthinking|complaining|whining)\b"),
    (1, ('good luck with that', 'nice try'), r"\bgood luck with that\b|\bnice try\b"),
]

_COMPILED = [(weight, LazyRegex(pattern, re.M)) for weight, _, pattern in PATTERNS]
_WORD = re.compile(r"[a-z][a-z']*")
# needle's longest word -> (pattern index, needle): a word set of the text picks the few
# needles worth a substring test, and those pick the patterns worth running.
_BY_WORD: dict[str, list[tuple[int, str]]] = {}
for _i, (_, _needles, _) in enumerate(PATTERNS):
    for _n in _needles:
        _BY_WORD.setdefault(max(_WORD.findall(_n), key=len), []).append((_i, _n))
_KEYS = frozenset(_BY_WORD)


def find(text: str, words=None, low: str | None = None):
    """(start, end, weight) of every hostile cue in ``text``. ``words``: the text's
    lower-cased words when the caller has split them already; ``low``: the text lower-cased
    with "\u2019" as "'", when the caller has it. A pattern runs only when one of its
    needles occurs, so a civil reply costs a set intersection."""
    if low is None:
        low = text.lower().replace("\u2019", "'")
    if len(low) != len(text):  # a few characters change length when lower-cased
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace("\u2019", "'")
    if words is None:
        words = set(_WORD.findall(low))
    run = set()
    for w in _KEYS.intersection(words):
        for i, needle in _BY_WORD[w]:
            if i not in run and needle in low:
                run.add(i)
    if not run:
        return []
    out = []
    for i in sorted(run):
        weight, rx = _COMPILED[i]
        for m in rx.finditer(low):
            start, end = m.span()
            while start < end and low[start].isspace():
                start += 1
            out.append((start, end, weight))
    if len(out) < 2:
        return out
    # One phrase matched by two patterns ("good grief,") counts once, at its heavier weight.
    out.sort(key=lambda f: (f[0], -f[2], -f[1]))  # at one start: heavier, then longer first
    kept = [out[0]]
    for hit in out[1:]:
        last = kept[-1]
        if hit[0] < last[1]:
            if hit[2] > last[2]:
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept


def score(text: str) -> int:
    return sum(w for _, _, w in find(text))
