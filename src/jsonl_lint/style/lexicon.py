"""Word lists behind the tone and register markers (English).

Small and explicit on purpose: every marker a finding cites comes from here, so
a user can see why a reply was called slangy, rude or legalese. Matching is on
lower-cased whole words (or the listed multi-word phrases).
"""

from __future__ import annotations


SLANG = frozenset("""
gonna wanna gotta lemme gimme kinda sorta dunno yall y'all ain't nah yeah yep yup nope
lol lmao lmfao rofl omg omfg btw tbh imo imho idk ikr smh brb ttyl thx pls plz
cuz coz dude bro bruh dope legit totes ngl lowkey
haha hahaha hehe wassup yolo meh ugh woah whoa noob ur
""".split())


LEGALESE = frozenset("""
hereinafter herein hereby hereof hereto heretofore hereunder therein thereof thereto thereby
thereunder whereas whereby wherein notwithstanding pursuant aforementioned aforesaid forthwith
indemnify indemnification covenant covenants stipulate stipulates stipulated henceforth
inasmuch insofar abovementioned undersigned shall
""".split())
LEGAL_PHRASES = ("in accordance with", "subject to the provisions", "without prejudice", "the party of",
                 "for the avoidance of doubt", "in witness whereof", "null and void", "to the extent permitted")

RUDE = frozenset("""
stupid idiot idiotic dumb moron moronic pathetic useless incompetent clueless ridiculous
nonsense duh damn crap ffs wtf stfu loser dumbass obviously seriously
""".split())
RUDE_PHRASES = ("shut up", "figure it out yourself", "not my problem", "read the manual yourself", "google it yourself",
                "how many times do i have to", "are you serious", "use your brain", "stop asking", "i don't care",
                "waste of my time", "look it up yourself", "what's wrong with you", "screw you")

POLITE = frozenset("""
please thanks thank appreciate sorry apologize apologise apologies glad happy kindly welcome
""".split())

FIRST_PERSON = frozenset("i me my mine myself we us our ours ourselves i'm i've i'll i'd we're we've we'll".split())
SECOND_PERSON = frozenset("you your yours yourself yourselves you're you've you'll you'd".split())
