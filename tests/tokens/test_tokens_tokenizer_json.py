"""--tokenizer PATH: a local tokenizer.json counted with the `tokenizers` library, no hub."""

from __future__ import annotations

import json
from io import StringIO

import pytest

from jsonl_lint.cli import main


@pytest.fixture
def tokenizer_json(tmp_path):
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    vocab = {"[UNK]": 0, "hello": 1, "world": 2, "user": 3, "assistant": 4, "hi": 5}
    tok = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = Whitespace()
    tok.enable_truncation(max_length=12)
    path = tmp_path / "tokenizer.json"
    tok.save(str(path))
    return path


def _data(tmp_path, *records):
    p = tmp_path / "train.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in records))
    return p


def test_stats_counts_with_the_local_tokenizer(tmp_path, tokenizer_json, no_network, fresh_tokens):
    data = _data(tmp_path,
                 {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello world"}]},
                 {"messages": [{"role": "user", "content": "hello hello hello"},
                               {"role": "assistant", "content": "world world world world"}]})
    out, err = StringIO(), StringIO()
    rc = main(["stats", "--isolated", "--model", "custom", "--tokenizer", str(tokenizer_json), str(data),
               "--output-format", "json"], out, err)
    assert rc == 0, err.getvalue()
    d = json.loads(out.getvalue())
    assert d["exact"] is True and d["tokenizer"] == str(tokenizer_json)
    # words are tokens here: user(1)+hi(1)+3, assistant(1)+2+3, +3 priming
    assert [(e["total"], e["trained"]) for e in d["per_example"]] == [(5 + 6 + 3, 2), (7 + 8 + 3, 4)]
    assert d["limit"] == 12 and "truncation.max_length" in d["limit_source"]
    assert d["over_limit"] == 2
    assert no_network == []


def test_check_uses_the_tokenizer_limit(tmp_path, tokenizer_json, fresh_tokens):
    data = _data(tmp_path, {"messages": [{"role": "user", "content": "hi"},
                                         {"role": "assistant", "content": "hello world"}]})
    out, err = StringIO(), StringIO()
    rc = main(["check", "--isolated", "--select", "JL601", "--model", "custom", "--tokenizer", str(tokenizer_json),
               "--output-format", "concise", str(data)], out, err)
    assert rc == 1
    assert "example has 14 tokens, over the training limit of custom (12) by 2" in out.getvalue()


def test_missing_tokenizer_file_is_a_config_error(tmp_path, fresh_tokens):
    data = _data(tmp_path, {"messages": [{"role": "user", "content": "hi"}]})
    err = StringIO()
    assert main(["stats", "--isolated", "--tokenizer", str(tmp_path / "nope.json"), str(data)], StringIO(), err) == 2
    assert "tokenizer file" in err.getvalue() and "not found" in err.getvalue()
