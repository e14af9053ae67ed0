"""What `jsonl-lint convert` reports: every record it could not convert and every change
that loses something, one code each (JL95x, beside the JL90x target-compatibility rules).

These are not rules `check` runs: the converter raises them while it reshapes records.
They are documented like rules (``jsonl-lint rule JL954``, ``docs/rules/``) and reported
through the same formatters. Each docstring's Example converts with ``--to
example_target`` and reports the code; its Use instead converts without it (a test runs
both).
"""

from __future__ import annotations

from ..diagnostics import Severity
from ..rule import Rule


class ConversionLoss(Rule):
    """Base of the conversion findings (not run by `check`)."""

    kind: str  # the plan's name for it
    example_target: str = "together"


class ConvertUnreadable(ConversionLoss):
    """Reports records `convert` cannot read, so they are not in the output.

    ## What it does
    A line that is not valid JSON, not a JSON object, or an object in no format
    jsonl-lint knows is left out of the converted file and reported at its line, with
    what is wrong with it.

    ## Why it matters for fine-tuning
    A conversion script that skips what it cannot parse shrinks the dataset without a
    word; `convert` accounts for every input record: written, or reported here.

    ## Example
    ```jsonl
    {'messages': [{'role': 'user', 'content': 'Hi'}, {'role': 'assistant', 'content': 'Hello!'}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL950"
    name = "convert-unreadable"
    summary = "Record cannot be read, so it is not converted"
    severity = Severity.ERROR
    kind = "unreadable"


class ConvertUnsupportedExample(ConversionLoss):
    """Reports examples the target has no form for, so they are not in the output.

    ## What it does
    The example is left out and reported when the target cannot hold it: preference
    data on a target without preference tuning (Vertex, Mistral) or in a form the
    target restricts (one-turn prompts on Fireworks, one message per answer on
    Together), KTO data where no KTO form exists, a conversation that starts with the
    assistant where the target needs the user first, a system message after the
    conversation started where only a leading system prompt exists, content no target
    takes (audio, video, documents), or an example of another kind than the rest of the
    file (a file holds one kind: SFT or preference data).

    ## Why it matters for fine-tuning
    Forcing such an example into the target's shape changes what it teaches (a DPO pair
    flattened into SFT trains the rejected answer); leaving it out, with its line, lets
    you decide.

    ## Example
    With `--to together` (the assistant speaks first):
    ```jsonl
    {"messages": [{"role": "assistant", "content": "Welcome!"}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "How can I help?"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Welcome! How can I help?"}]}
    ```
    """

    code = "JL951"
    name = "convert-unsupported-example"
    summary = "Example has no form on the target, so it is not converted"
    severity = Severity.ERROR
    kind = "example"


class ConvertToolCalls(ConversionLoss):
    """Reports examples whose tool calls or results the target cannot express.

    ## What it does
    The example is left out when the target (or its chosen model) takes no tool calls
    (Vertex Gemini 2.5, Bedrock Llama, Predibase), when a call's arguments are not a JSON
    object where the target needs one (Bedrock's `toolUse.input`, Gemini's
    `functionCall.args`), or when a function name breaks the target's pattern
    (Mistral's `^[a-zA-Z0-9_-]{1,64}$`). Ids are not a loss: `convert` remaps them
    consistently where the target needs another form (Mistral's nine characters).

    ## Why it matters for fine-tuning
    Dropping the calls and keeping the text teaches the model to answer without the
    lookup it used to make; writing the calls as text teaches it to print JSON. Either
    is a decision to make knowingly.

    ## Example
    With `--to vertex-gemini` (Gemini 2.5 rejects function calls):
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather in Oslo?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "4 C, rain"}, {"role": "assistant", "content": "4 degrees and rain."}]}
    ```

    ## Use instead
    Convert for a model that takes calls (`--model vertex-gemini:gemini-2.0-flash`), or
    keep tool data for a target that takes it:
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather in Oslo?"}, {"role": "assistant", "content": "I cannot look that up, but Oslo is often rainy."}]}
    ```
    """

    code = "JL952"
    name = "convert-tool-calls"
    summary = "Tool calls the target cannot express, so the example is not converted"
    severity = Severity.ERROR
    kind = "tools"
    example_target = "vertex-gemini"


class ConvertImage(ConversionLoss):
    """Reports examples with an image the target cannot take as it is.

    ## What it does
    Local images are embedded as base64 data URLs where the target needs data (Together,
    Fireworks, Mistral), and inline images are written as files under `--media-uri`
    where it needs a bucket (Bedrock's S3, Vertex's gs://). The example is left out when
    that cannot be done: an HTTP URL where the target takes data only (jsonl-lint
    downloads nothing), an inline image for a bucket target without `--media-uri`, a
    local file that does not exist, an image in a role the target refuses, or a target
    or model without images.

    ## Why it matters for fine-tuning
    An image the target cannot fetch fails the job, or worse, the example trains without
    the picture its text talks about.

    ## Example
    With `--to together` (base64 data URLs only):
    ```jsonl
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}, {"role": "assistant", "content": "A cat."}]}
    ```

    ## Use instead
    Download the image and point at the file (it is embedded), or embed it yourself:
    ```jsonl
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}, {"role": "assistant", "content": "A cat."}]}
    ```
    """

    code = "JL953"
    name = "convert-image"
    summary = "Image the target cannot take as it is, so the example is not converted"
    severity = Severity.ERROR
    kind = "image"


class ConvertWeight(ConversionLoss):
    """Reports per-message weights the target cannot keep, and what is trained instead.

    ## What it does
    Where the target ignores per-message weights (Bedrock, Vertex, TRL, Unsloth,
    LLaMA-Factory), names the weight-0 answers that will now be trained, and weighted
    messages of other roles that no longer will be. Weight-0 answers at the end of an
    example are left out instead (they taught nothing; see convert-truncated). Where the
    target keeps weights but not that value or role (OpenAI: 0 or 1, on assistant
    messages), the weight is dropped and the finding says what it means.

    ## Why it matters for fine-tuning
    `weight: 0` marks an answer the model must not learn, such as a wrong draft kept for
    context. Without the weight the target trains on it, and nothing in the job says so.

    ## Example
    With `--to trl`:
    ```jsonl
    {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "5", "weight": 0}, {"role": "user", "content": "Check again."}, {"role": "assistant", "content": "4"}]}
    ```

    ## Use instead
    Leave the draft out, or keep it where weights are honoured (`--to axolotl` sets
    `message_field_training: weight`):
    ```jsonl
    {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]}
    ```
    """

    code = "JL954"
    name = "convert-weight"
    summary = "Message weight the target cannot keep: other turns are trained"
    severity = Severity.WARNING
    kind = "weight"
    example_target = "trl"


class ConvertTurnsMerged(ConversionLoss):
    """Reports turns joined into one to fit the target's role order.

    ## What it does
    Where the target needs user and assistant turns to alternate (Together, Bedrock,
    Vertex, LLaMA-Factory) or rejects two assistant messages in a row (Azure), two
    consecutive messages of one side are joined into one (texts separated by a blank
    line, calls kept in order). Several leading system messages are joined where the
    target keeps one system prompt, and a system prompt goes into the first user
    message where the shape has no place for it (prompt/completion strings).

    ## Why it matters for fine-tuning
    A joined turn teaches one longer answer instead of two; a system prompt inside the
    user message reads as something the user said.

    ## Example
    With `--to together`:
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Are you there?"}, {"role": "assistant", "content": "Yes!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi. Are you there?"}, {"role": "assistant", "content": "Yes!"}]}
    ```
    """

    code = "JL955"
    name = "convert-turns-merged"
    summary = "Consecutive turns joined into one to fit the target's role order"
    severity = Severity.WARNING
    kind = "merged"


class ConvertTruncated(ConversionLoss):
    """Reports messages left out at the end of an example.

    ## What it does
    Where the target needs the conversation to end with an answer (Mistral, Bedrock
    Nova, OpenPipe), the messages after the last assistant message are left out; where
    it ignores weights, the weight-0 answers after the last trained one are left out
    rather than trained. The example itself is written.

    ## Why it matters for fine-tuning
    What is cut was never learned, but it was part of the record: a user turn left
    hanging at the end often means the example was cut short upstream.

    ## Example
    With `--to mistral`:
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Thanks"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL956"
    name = "convert-truncated"
    summary = "Messages at the end of an example left out"
    severity = Severity.WARNING
    kind = "truncated"
    example_target = "mistral"


class ConvertToolsDropped(ConversionLoss):
    """Reports tool definitions left out for a target that takes none.

    ## What it does
    An example that declares `tools` but calls none is converted for a target without
    tool support, without its tool definitions.

    ## Why it matters for fine-tuning
    With tools declared, the example teaches the model to answer directly although it
    could call a tool; without them, it only teaches the answer.

    ## Example
    With `--to vertex-gemini`:
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}], "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL957"
    name = "convert-tools-dropped"
    summary = "Tool definitions left out for a target that takes none"
    severity = Severity.WARNING
    kind = "tools-dropped"
    example_target = "vertex-gemini"


class ConvertReasoningDropped(ConversionLoss):
    """Reports reasoning the output shape has no place for.

    ## What it does
    Reasoning written before an answer (`reasoning_content`, LLaMA-Factory `reasoning`
    parts, Bedrock `reasoningContent`, Gemini thoughts) is kept where the target has a
    field for it (Together, Fireworks, TRL, Axolotl, Bedrock Nova) and left out
    elsewhere, with this finding.

    ## Why it matters for fine-tuning
    Reasoning traces are trained text: without them the model learns the answers but not
    how it reached them.

    ## Example
    With `--to openai`:
    ```jsonl
    {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4", "reasoning_content": "Two plus two is four."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]}
    ```
    """

    code = "JL958"
    name = "convert-reasoning-dropped"
    summary = "Reasoning left out where the output has no place for it"
    severity = Severity.WARNING
    kind = "reasoning"
    example_target = "openai"


class ConvertTurnSplit(ConversionLoss):
    """Reports assistant messages split in two: the text, then the tool calls.

    ## What it does
    Where an assistant message may hold text or tool calls but not both (Mistral), the
    text becomes an assistant message of its own, followed by one with the calls.
    Nothing is lost, but the example is no longer the same sequence of messages.

    ## Why it matters for fine-tuning
    The model learns to end its turn after the text and start another for the call; most
    chat templates render the two close to the original, but not all.

    ## Example
    With `--to mistral`:
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather in Oslo?"}, {"role": "assistant", "content": "Let me check.", "tool_calls": [{"id": "abcdefghi", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "abcdefghi", "content": "4 C"}, {"role": "assistant", "content": "4 degrees."}], "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather in Oslo?"}, {"role": "assistant", "tool_calls": [{"id": "abcdefghi", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "abcdefghi", "content": "4 C"}, {"role": "assistant", "content": "4 degrees."}], "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]}
    ```
    """

    code = "JL959"
    name = "convert-turn-split"
    summary = "Assistant message split into its text and its tool calls"
    severity = Severity.INFO
    kind = "split"
    example_target = "mistral"


class ConvertKeysDropped(ConversionLoss):
    """Reports keys the output shape does not take, left out.

    ## What it does
    Top-level keys beside the example (`id`, `source`, `category`) and message keys
    (`name`, `refusal`) are kept where the target's shape takes them (trainers take any)
    and left out where it does not (Together rejects unknown keys, Bedrock and Vertex
    take a fixed set).

    ## Why it matters for fine-tuning
    Nothing here is trained, but metadata such as an `id` is how a dataset's records are
    traced back to their source: once left out, only the line mapping connects them.

    ## Example
    With `--to together`:
    ```jsonl
    {"id": "ex-17", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL960"
    name = "convert-keys-dropped"
    summary = "Keys the target's shape does not take left out"
    severity = Severity.INFO
    kind = "keys"


class ConvertRejected(ConversionLoss):
    """Reports converted records the target would still reject, so they are not written.

    ## What it does
    Every converted record is checked against the target's requirements (the per-record
    JL9xx rules of `check --target`) before it is written. A record that still breaks one
    with an error is left out and reported with the rule's message, so the output passes
    `check --target`: a string the target reserves (Bedrock Nova fails on `User:` in any
    text; jsonl-lint does not rewrite text), an over-long example where the target rejects
    them, a tool call whose result never comes.

    ## Why it matters for fine-tuning
    A provider that rejects one record usually fails the whole upload, often without a
    line number.

    ## Example
    With `--to mistral` (a tool call with no result before the next turn):
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "abcdefghi", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Sorry."}], "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "abcdefghi", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "abcdefghi", "content": "4 C"}, {"role": "assistant", "content": "4 degrees."}], "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]}
    ```
    """

    code = "JL961"
    name = "convert-rejected"
    summary = "Converted record the target would still reject, so it is not written"
    severity = Severity.ERROR
    kind = "rejected"
    example_target = "mistral"


LOSSES: tuple[type[ConversionLoss], ...] = (
    ConvertUnreadable, ConvertUnsupportedExample, ConvertToolCalls, ConvertImage, ConvertWeight, ConvertTurnsMerged,
    ConvertTruncated, ConvertToolsDropped, ConvertReasoningDropped, ConvertTurnSplit, ConvertKeysDropped,
    ConvertRejected)
BY_KIND = {cls.kind: cls for cls in LOSSES}
BY_KIND["content"] = ConvertUnsupportedExample  # content no target takes (the reader's word for it)
