"""JL7xx secrets and personal data: API keys and tokens, private keys, email
addresses, phone numbers and payment card numbers in any string of a record.

Messages carry a masked excerpt only; the full value is never printed (the
finding's range still points at it, so an editor can show where it is).
"""
