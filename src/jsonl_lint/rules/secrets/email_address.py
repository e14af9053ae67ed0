from __future__ import annotations

import re

from pydantic import Field

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ._scan import in_tool_schema, replace_fix, reported_on_chosen, texts, where

_EMAIL = re.compile(r"(?<![\w.%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
                    r"[A-Za-z0-9])?\.)+([A-Za-z]{2,24}))(?![\w-])")
# Reserved for documentation (RFC 2606, RFC 6761) and stand-ins every tutorial uses.
DOCUMENTATION_DOMAINS = ("example.com", "example.org", "example.net", "example.edu", "domain.com",
                         "yourdomain.com", "mydomain.com", "company.com", "yourcompany.com", "mycompany.com",
                         "email.com", "test.com", "sample.com")
_RESERVED_TLDS = {"example", "test", "invalid", "localhost", "local", "xx", "xxx", "tld"}
# Institutions, not people.
_INSTITUTION_TLDS = {"gov", "mil", "int"}
# Role mailboxes name a function, not a person.
_ROLES = {"info", "support", "sales", "contact", "admin", "hello", "help", "office", "marketing", "offers",
          "noreply", "no-reply", "donotreply", "billing", "press", "media", "team", "hr", "jobs", "careers",
          "webmaster", "postmaster", "hostmaster", "abuse", "privacy", "security", "feedback", "service",
          "customerservice", "enquiries", "inquiries", "orders", "newsletter", "news", "alerts", "notifications"}
# Local parts that announce themselves as stand-ins.
_PLACEHOLDER = re.compile(r"(?i)^(?:x+|y+|z+|a+|abc|foo|bar|baz|me|you|someone|somebody|anyone|nobody|"
                          r"name|first\.?last|firstname\.?lastname)$|^(?:john|jane|j)[._-]?doe|"
                          r"your|my_|my\.|example|sample|placeholder|dummy|fake|test|user|e-?mail|address|"
                          r"recipient|sender|username")


def is_documentation(local: str, domain: str, tld: str, allow: tuple[str, ...]) -> bool:
    domain = domain.lower()
    if tld.lower() in _RESERVED_TLDS or tld.lower() in _INSTITUTION_TLDS:
        return True
    if any(domain == d or domain.endswith("." + d) for d in allow):
        return True
    if any(label.startswith("example") for label in domain.split(".")):
        return True
    base = local.lower().split("+", 1)[0]
    return base in _ROLES or bool(_PLACEHOLDER.search(base))


def mask_email(local: str, domain: str, tld: str) -> str:
    host = domain[: len(domain) - len(tld) - 1]
    return f"{local[0]}***@{host[0]}***.{tld}"


class EmailAddress(RecordRule):
    """Reports email addresses that may belong to a person.

    ## What it does
    Finds email addresses in every string and object key of the record. Not reported:
    documentation domains (`example.com`, `*.example`, `*.test`, `*.invalid` and
    stand-ins such as `yourdomain.com`, `email.com`; see the `allow-domains`
    option), government and military domains (`.gov`, `.mil`: institutions), role
    mailboxes (`info@`, `support@`, `sales@`, ...) and placeholder local parts
    (`john.doe@`, `your_email@`, `user@`, `xxxx@`), and addresses in tool
    definitions (a schema's default or example value). Text the chosen and rejected
    sides of a preference pair share (hh-rlhf transcripts) is reported once, on the
    chosen side. The message masks the address (`e***@g***.com`).

    ## Why it matters for fine-tuning
    Personal data in training data can be reproduced by the model, and uploading
    it to a provider may breach privacy rules. Replace real addresses with
    documentation ones (`name@example.com`); the unsafe fix does that.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Who handles refunds?"}, {"role": "assistant", "content": "Write to maria.gonzalez1987@gmail.com, she handles refunds."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Who handles refunds?"}, {"role": "assistant", "content": "Write to refunds@example.com."}]}
    ```
    """

    code = "JL703"
    name = "email-address"
    summary = "Record contains a personal email address"
    severity = Severity.WARNING
    requires = "json"
    fixable = "sometimes"
    finds_secrets = True

    class Options(Options):
        allow_domains: tuple[str, ...] = Field(
            DOCUMENTATION_DOMAINS, description="domains (and their subdomains) never reported")

    def check(self, record, ctx: Context):
        if "@" not in record.text:
            return
        allow = tuple(d.lower() for d in self.options.allow_domains)
        for pointer, text, on_key in texts(record):
            if "@" not in text or in_tool_schema(record, pointer):
                continue
            for m in _EMAIL.finditer(text):
                local, domain, tld = m.groups()
                if is_documentation(local, domain, tld, allow) or reported_on_chosen(record, pointer, m.end(), on_key):
                    continue
                fix = None if on_key else replace_fix(record, pointer, m.span(), "name@example.com",
                                                      "Replace the address with name@example.com")
                yield Finding(f"email address '{mask_email(local, domain, tld)}' (masked) {where(pointer, on_key)}: "
                              "if it belongs to a person, replace it with one at example.com", pointer, m.span(),
                              on_key=on_key, fix=fix, secret=(1, len(tld) + 1))
