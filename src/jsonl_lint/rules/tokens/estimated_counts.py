from __future__ import annotations

from pydantic import Field

from ... import tokens
from ...diagnostics import Finding, Severity
from ...rule import Context, DatasetRule, Options
from ._shared import n, prepare_tokens


class TokenCountsEstimated(DatasetRule[dict]):
    """Says once per run when token counts are estimates rather than exact.

    ## What it does
    Token counts are exact when the model's tiktoken encoding (or the `--tokenizer`
    file) is available offline. When it is not (no verified encoding file: jsonl-lint
    never downloads one), counts fall back to 1 token per 4 characters, and this rule
    says so once, with the reason, instead of letting limits and costs look exact.
    It also says, once, when examples contain images, whose tokens are estimated
    (85 per `detail: low` image, else 765, as for a 1024x1024 image at high detail).

    ## Why it matters for fine-tuning
    A limit or budget finding computed from a guess must not look like a measurement.
    Saying once that the numbers are estimates keeps every other finding honest
    without repeating a caveat on each line.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}, {"role": "assistant", "content": "A cat."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "What is a cat?"}, {"role": "assistant", "content": "A small domesticated feline."}]}
    ```
    """

    code = "JL600"
    name = "token-counts-estimated"
    summary = "Token counts are estimates (no offline encoding, or images)"
    prepare = prepare_tokens  # load the encoding before workers fork
    severity = Severity.INFO
    requires = "example"

    class Options(Options):
        images: bool = Field(True, description="also say when image tokens are estimated")

    def initial(self, ctx: Context) -> dict:
        return {"approximate": 0, "image_examples": 0, "image_tokens": 0, "path": None, "image_ref": None,
                "image_pointer": ""}

    def collect(self, state: dict, record, ctx: Context) -> None:
        if record.format is None:
            return
        if not tokens._target_for(ctx.settings).exact:  # the counter, known without counting
            state["approximate"] += 1
            if state["path"] is None:
                state["path"] = record.path
        images, pointer = tokens.image_tokens(record, ctx.settings)
        if images:
            state["image_examples"] += 1
            state["image_tokens"] += images
            if state["image_ref"] is None:
                state["image_ref"] = record.ref
                state["image_pointer"] = pointer

    def merge(self, states: list[dict]) -> dict:
        out = self.initial(None)  # type: ignore[arg-type]
        for s in states:
            out["approximate"] += s["approximate"]
            out["image_examples"] += s["image_examples"]
            out["image_tokens"] += s["image_tokens"]
            out["path"] = out["path"] or s["path"]
            if out["image_ref"] is None and s["image_ref"] is not None:
                out["image_ref"], out["image_pointer"] = s["image_ref"], s["image_pointer"]
        return out

    def finish(self, state: dict, ctx: Context):
        if state["approximate"]:
            t = tokens.target(ctx.settings)
            how = "1 token per 4 characters" if t.counter.source.startswith("estimate: 1 token") else "estimated"
            yield Finding(f"token counts are approximate ({how}) for {n(state['approximate'])} "
                          f"examples: {t.counter.reason}; limits, near-limit and cost findings are estimates too",
                          path=state["path"])
        if self.options.images and state["image_examples"]:
            yield Finding(f"{n(state['image_examples'])} example(s) contain images: their {n(state['image_tokens'])} "
                          f"tokens are estimated (85 per low-detail image, else 765), since image sizes are not "
                          f"read offline; token totals including them are estimates",
                          record=state["image_ref"], pointer=state["image_pointer"])
