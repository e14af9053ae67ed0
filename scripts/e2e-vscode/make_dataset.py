"""The small dataset the real-editor test opens: clean records plus one of each common problem."""

import json
import sys

CLEAN = [
    ("What is the capital of France?", "Paris is the capital of France."),
    ("Translate 'good morning' to Spanish.", "Buenos días."),
    ("Give me a synonym for 'happy'.", "Joyful."),
    ("How many legs does a spider have?", "A spider has eight legs."),
    ("Name a primary colour.", "Red is a primary colour."),
]


def chat(user, assistant, role="user"):
    return json.dumps({"messages": [{"role": "system", "content": "You are a concise assistant."},
                                    {"role": role, "content": user},
                                    {"role": "assistant", "content": assistant}]}, ensure_ascii=False)


lines = [chat(u, a) for u, a in CLEAN[:3]]
lines.append(chat("What is 2 + 2?", "2 + 2 = 4.", role="User"))  # JL104, fixable: rename to "user"
lines.append(chat(*CLEAN[3]))
lines.append('{"messages": [{"role": "user", "content": "unterminated}')  # JL001
lines.append(chat(*CLEAN[0]))  # JL301: exact duplicate of line 1 (related location -> lens)
lines.append(chat(*CLEAN[4]))
sys.stdout.write("\n".join(lines) + "\n")
