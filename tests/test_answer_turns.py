"""answer_turns: the one definition of "the answers a fine-tune learns to write"."""

from jsonl_lint.formats import answer_turns, normalize


def texts(value, **kw):
    return [t.text for t in answer_turns(normalize(value), **kw)]


def test_chat_answers_skip_weight_zero_and_bare_tool_calls():
    value = {"messages": [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "draft", "weight": 0},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "a", "type": "function",
                                                               "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "a", "content": "42"},
        {"role": "assistant", "content": "It is 42."},
    ]}
    assert texts(value) == ["It is 42."]
    assert len(texts(value, tool_calls=True)) == 2



def test_answers_are_found_once_per_view_and_arguments():
    example = normalize({"messages": [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "a", "type": "function",
                                                               "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "a", "content": "42"},
        {"role": "assistant", "content": "It is 42."},
    ]})
    answers = answer_turns(example)
    assert answer_turns(example) is answers and [t.text for t in answers] == ["It is 42."]
    assert len(answer_turns(example, tool_calls=True)) == 2 and answer_turns(example) is answers

def test_hh_transcript_shared_turns_are_context():
    shared = "\n\nHuman: hi\n\nAssistant: Hello there!\n\nHuman: how are you?"
    value = {"chosen": shared + "\n\nAssistant: Fine, thanks.", "rejected": shared + "\n\nAssistant: Go away."}
    assert texts(value) == ["Fine, thanks."]
    assert texts(value, rejected=True) == ["Fine, thanks.", "Go away."]


def test_openai_preference_input_is_context():
    value = {"input": {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "earlier"},
                                    {"role": "user", "content": "q2"}]},
             "preferred_output": [{"role": "assistant", "content": "good"}],
             "non_preferred_output": [{"role": "assistant", "content": "bad"}]}
    assert texts(value) == ["good"]


def test_sharegpt_function_call_turn_is_a_tool_call_not_an_answer():
    value = {"conversations": [
        {"from": "human", "value": "Play some Queen."},
        {"from": "function_call", "value": '{"name": "play_music", "arguments": {"artist": "Queen"}}'},
        {"from": "observation", "value": '{"status": "playing"}'},
        {"from": "gpt", "value": "Now playing Queen."},
    ]}
    assert texts(value) == ["Now playing Queen."]
    assert len(texts(value, tool_calls=True)) == 2


def test_reply_calls_tool_structured_textual_or_by_a_tool_result():
    from jsonl_lint.formats import has_text_tool_call, reply_calls_tool

    assert has_text_tool_call("You can use weather(query='What is the weather in Oslo today?').")
    assert has_text_tool_call('Here it is: request("https://example.com")')
    assert not has_text_tool_call("The function f(x) = x + 1 is linear; say 'hi' (politely).")
    textual = normalize({"instruction": "Weather in Oslo?", "output": "weather(query='Oslo')"})
    assert reply_calls_tool(textual.turns, 0)
    result = normalize({"messages": [
        {"role": "user", "content": "price of AAPL?"},
        {"role": "assistant", "content": "Let me check."},
        {"role": "tool", "content": "189.5"},
        {"role": "assistant", "content": "It is $189.50."},
        {"role": "user", "content": "thanks"},
        {"role": "assistant", "content": "You're welcome."},
    ]})
    assert reply_calls_tool(result.turns, 0)
    assert not reply_calls_tool(result.turns, 4)
