from __future__ import annotations

from ...diagnostics import Finding
from ...rule import Context, DatasetRule
from ...style import language
from ...style.language import name
from ...style.profile import record_languages
from ...style.stats import pct
from .language_outlier import LanguageOptions


class LanguageSwitch(DatasetRule[list]):
    """Reports examples whose reply is in another language than the user's message.

    ## What it does
    Detects the language of the replies of each example (at least `min-letters`
    letters; CLD2 confirmed by py3langid, as in JL405) and the language of the
    *request*: the user's instruction without the passage it works on (Alpaca's
    `input`, or the pasted text around a question), so "Which language is this?"
    after a German passage is an English request. An instruction of 12 letters is
    enough when both detectors agree. In a dataset where replies normally answer in
    the user's language, an example whose reply is in another language than its
    request is reported, unless the user asks for a translation or names the
    reply's language, or the reply is in the language of the passage. When more
    than `rare-share` of the examples switch (a translation dataset), the rule
    stays quiet. Datasets with fewer than `min-records` examples with both
    languages detected are not judged.

    ## Why it matters for fine-tuning
    Answering in the user's language is learned from the data. A few examples that
    answer a Spanish question in English teach the model to ignore the user's
    language.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order? I placed it last week and have not heard back."}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password? The login page keeps rejecting it."}, {"role": "assistant", "content": "Open the settings page, choose the security tab and select reset password."}]}
    {"messages": [{"role": "user", "content": "Can I change my address after placing the order last night?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad, for example to Canada or to Germany?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America within ten business days."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty on the laptops you sell in the store?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "¿Puedo devolver el producto si no me gusta después de abrirlo?"}, {"role": "assistant", "content": "Yes, you can return it within thirty days of delivery for a full refund."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order? I placed it last week and have not heard back."}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password? The login page keeps rejecting it."}, {"role": "assistant", "content": "Open the settings page, choose the security tab and select reset password."}]}
    {"messages": [{"role": "user", "content": "Can I change my address after placing the order last night?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad, for example to Canada or to Germany?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America within ten business days."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty on the laptops you sell in the store?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "¿Puedo devolver el producto si no me gusta después de abrirlo?"}, {"role": "assistant", "content": "Sí, puede devolverlo dentro de los treinta días siguientes para obtener un reembolso completo."}]}
    ```
    """

    code = "JL406"
    name = "language-switch"
    summary = "Reply is in another language than the user's message"
    preview = True  # true share 0.00 on the corpora (docs/precision.md)
    requires = "example"
    Options = LanguageOptions
    example_options = {"min-records": 5, "rare-share": 0.2}

    def before_fork(self, settings) -> None:
        language.identifier()  # the second detector's model (~70 MB): one copy for all workers

    def initial(self, ctx: Context) -> list:
        return []

    def collect(self, state: list, record, ctx: Context) -> None:
        langs = record_languages(record, self.options.min_letters)
        if langs.reply is not None and langs.request is not None:
            switched = not langs.explained
            state.append((record.ref, langs.pointer, langs.reply, langs.request, switched))

    def merge(self, states: list[list]) -> list:
        return [x for s in states for x in s]

    def finish(self, state: list, ctx: Context):
        opts = self.options
        n = len(state)
        if n < opts.min_records:
            return
        switched = [x for x in state if x[4]]
        if not switched or len(switched) / n > opts.rare_share:
            return
        same = n - len(switched)
        cap = opts.max_findings or len(switched)
        for ref, pointer, lang, user_lang, _ in switched[:cap]:
            yield Finding(f"reply is in {name(lang)} but the user wrote in {name(user_lang)}; {pct(same / n)} of "
                          f"examples ({same:,} of {n:,}) reply in the user's language", pointer=pointer, record=ref)
