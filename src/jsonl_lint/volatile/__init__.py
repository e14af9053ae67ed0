"""Volatile-fact detection: lexicons (``lexicon``) and the detector (``detector``)."""

from .detector import Analysis, Hit, analyze, defers, detect, detect_question, is_math_example, stated_fact
from .lexicon import CATEGORIES, REASONS

__all__ = ["Analysis", "Hit", "analyze", "defers", "detect", "detect_question", "is_math_example", "stated_fact", "CATEGORIES", "REASONS"]
