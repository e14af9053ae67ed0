from __future__ import annotations

import re

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule
from ._scan import texts, where

_BEGIN = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----")
# The key material: at least 64 base64 characters (line breaks allowed) after the header.
# Line breaks may be real or, in double-encoded JSON (tool outputs), a literal backslash-n.
_BODY = re.compile(r"(?:(?:\s|\\[nr])*[A-Za-z0-9-]+:[^\n\\]*)*(?:\s|\\[nr])*((?:[A-Za-z0-9+/=]{16,}(?:\s|\\[nr])*){4,})")


class PrivateKey(RecordRule):
    r"""Reports PEM and OpenSSH private key blocks.

    ## What it does
    Finds `-----BEGIN ... PRIVATE KEY-----` headers (RSA, EC, DSA, OpenSSH, PGP,
    encrypted PKCS#8) followed by real key material (at least 64 base64
    characters), in any string or object key of the record. A header followed by `...` or a
    placeholder is not reported.

    ## Why it matters for fine-tuning
    A private key in training data can be reproduced by the model, verbatim, to
    any user. Anyone holding the key can impersonate its owner.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Fix my key file"}, {"role": "assistant", "content": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7Tq2kVb9PzLm4nR8wYc3HdF6gJs1AeU5oVi0tXrQm7vR2xT9kLp4WzN8bYc\n3HdF6gJs1AeU5oVi0tXrMIIEowIBAAKCAQEAx7Tq2kVb9PzLm4nR8wYc3HdF6gJs1AeU5oVi0tX\n-----END RSA PRIVATE KEY-----"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Fix my key file"}, {"role": "assistant", "content": "A key file starts with -----BEGIN RSA PRIVATE KEY----- followed by base64 lines; paste only the header if you need help."}]}
    ```
    """

    code = "JL702"
    name = "private-key"
    summary = "Record contains a private key block"
    severity = Severity.ERROR
    requires = "json"
    finds_secrets = True

    def check(self, record, ctx: Context):
        if "PRIVATE KEY" not in record.text:
            return
        for pointer, text, on_key in texts(record):
            for m in _BEGIN.finditer(text):
                body = _BODY.match(text, m.end())
                if body is None or len(re.sub(r"\s|\\[nr]", "", body.group(1))) < 64:
                    continue
                end = text.find("-----END", body.end())
                end = text.find("-----", end + 8) + 5 if end >= 0 and text.find("-----", end + 8) >= 0 \
                    else body.end()
                material = re.sub(r"\s|\\[nr]", "", body.group(1))
                yield Finding(f"{m.group(1).lower()} block '-----BEGIN {m.group(1)}----- {material[:4]}…' "
                              f"({len(material)} base64 characters, masked) {where(pointer, on_key)}: remove it "
                              "from the data and replace the key", pointer, (m.start(), end), on_key=on_key,
                              secret=(len(m.group(0)), 0))
