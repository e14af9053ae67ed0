"""Word lists behind the register markers (English).

Small and explicit on purpose: every marker a finding cites comes from here, so
a user can see why a reply was called slangy or legalese. Matching is on
lower-cased whole words (or the listed multi-word phrases). Hostile wording is
judged by phrasing, not by single words: see ``hostility.py``.
"""

from __future__ import annotations


SLANG = frozenset("""
gonna wanna gotta lemme gimme kinda sorta dunno yall y'all ain't nah yeah yep yup nope
lol lmao lmfao rofl omg omfg btw tbh imo imho idk ikr smh brb ttyl thx pls plz
cuz coz dude bro bruh dope legit totes ngl lowkey
haha hahaha hehe wassup yolo meh ugh woah whoa noob ur
""".split())


# Words only contracts and statutes use. Ordinary formal words (LEGAL_ORDINARY: "shall",
# "whereas", "wherein") appear in plain comparisons, quotations and role-play, so they
# count only beside at least one of these.
LEGALESE = frozenset("""
hereinafter hereby hereof hereto heretofore hereunder herewith thereof thereto thereunder therewith
notwithstanding pursuant aforementioned aforesaid forthwith indemnify indemnification indemnities
undersigned abovementioned inasmuch whereof
""".split())
LEGAL_ORDINARY = frozenset("""
shall whereas whereby wherein herein therein thereby covenant covenants stipulate stipulates stipulated
henceforth insofar
""".split())
LEGAL_PHRASES = ("subject to the provisions", "without prejudice", "for the avoidance of doubt", "in witness whereof",
                 "null and void", "to the extent permitted by", "the party of the first part", "in accordance with the "
                 "provisions", "shall be deemed", "shall be construed")

# Capitalised function words: a run of capitals with these is shouting, a run without
# them is acronyms, units or code ("TCP/IP, UDP", "50 USD", SQL keywords are left out).
SHOUT_WORDS = frozenset("""
THE YOU YOUR YOU'RE TO OF IT IT'S THIS THAT FOR WITH ARE WAS WERE BE CAN DO DON'T JUST WE WILL HAVE HAS
MY ME SO BUT WHAT WHY HOW VERY REALLY PLEASE STOP NEVER EVER MUST NEED GET GOT GO YES I'M CAN'T WON'T
OMG WOW LOVE BEST GREAT AMAZING EVERYONE EVERYTHING RIGHT NOW HERE THERE THEY OUR
""".split())
