"""Target profiles: strict validation with file:line errors, sources, user targets, the model registry."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from jsonl_lint.config import ConfigError, settings_from_table
from jsonl_lint.targets import PROFILES_DIR, all_profiles, profile_names, resolve_target, shipped_profiles
from jsonl_lint.targets.schema import parse_profile
from jsonl_lint.tokens.models import BARE_NAME_TARGETS, find_model, model_info

EXPECTED = {"openai", "azure-openai", "together", "fireworks", "mistral", "bedrock-nova", "bedrock-llama",
            "vertex-gemini", "trl", "axolotl", "unsloth", "llama-factory", "predibase", "openpipe"}


def test_every_brief_target_ships_and_validates():
    profiles = shipped_profiles()
    assert set(profiles) == EXPECTED
    for p in profiles.values():
        for where, section in p.sections():
            assert section.source, where
            for key in section.source:
                assert p.sources[key].date <= datetime.date.today(), (p.name, where)


def test_status_facts():
    p = shipped_profiles()
    assert p["openai"].status.closes == datetime.date(2027, 1, 6)
    assert p["openai"].status.state_on(datetime.date(2027, 1, 6)) == "closed"
    assert p["mistral"].status.state == "deprecated"
    assert all(p[n].status.state == "active" for n in EXPECTED - {"openai", "mistral"})


def test_bare_model_names_match_the_registry_constant():
    assert sorted(n for n, p in shipped_profiles().items() if p.bare_model_names) == sorted(BARE_NAME_TARGETS)


def write(tmp_path: Path, text: str, name="demo") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def base_profile() -> str:
    return (PROFILES_DIR / "openpipe.yaml").read_text().replace("name: openpipe", "name: demo")


def test_valid_copy_parses(tmp_path):
    profile, data = parse_profile(write(tmp_path, base_profile()))
    assert profile.name == "demo" and data["name"] == "demo"


@pytest.mark.parametrize("change,expected", [
    (("  supported: true\n  arguments: string", "  supported: true\n  arguments: string\n  colour: red"),
     "unknown key 'tools.colour'"),
    (("  supported: true\n  arguments: string", "  supported: yes-please\n  arguments: string"),
     "key 'tools.supported'"),
    (("  source: uploading\n  supported: false", "  source: nowhere\n  supported: false"),
     "source 'nowhere' is not in 'sources'"),
    (("    openai-chat:", "    openai-chatt:"), "unknown record shape 'openai-chatt'"),
    (("  last: [assistant]", "  last: [robot]"), "key 'roles.last.0'"),
    (("  unconfirmed: [honoured]", "  unconfirmed: [honored]"), "'honored' is not a key of this section"),
])
def test_bad_profiles_name_file_and_line(tmp_path, change, expected):
    text = base_profile()
    assert change[0] in text, change[0]
    bad = text.replace(change[0], change[1], 1)
    path = write(tmp_path, bad)
    with pytest.raises(ConfigError) as exc:
        parse_profile(path)
    message = str(exc.value)
    assert expected in message and f"{path}:" in message
    line = int(message.split(f"{path}:")[1].split(":")[0])
    assert line > 1


def test_duplicate_key_and_wrong_file_name(tmp_path):
    with pytest.raises(ConfigError, match=r"demo.yaml:\d+: key 'title' appears twice"):
        parse_profile(write(tmp_path, base_profile() + "title: again\n"))
    with pytest.raises(ConfigError, match="must match the file name"):
        parse_profile(write(tmp_path, base_profile(), name="other"))


def test_user_target_extends_trl_with_limit_and_tokenizer(tmp_path):
    tok = tmp_path / "tokenizer.json"
    tok.write_text("{}")
    settings = settings_from_table({"target": ["my-cluster"], "root": str(tmp_path), "targets": {
        "my-cluster": {"extends": "trl", "max-tokens": 8192, "tokenizer": "./tokenizer.json"}}}, None)
    rt = resolve_target("my-cluster", settings)
    assert rt.limit == 8192 and rt.limit_source == "the configured max-tokens"
    assert rt.tokenizer == str(tok) and rt.profile.weight.honoured is False
    assert "config" in rt.profile.sources and rt.model is not None and rt.model.name == "llama-3.1-8b"


def test_user_override_of_a_shipped_target_sources_the_config(tmp_path):
    settings = settings_from_table({"target": ["together"], "root": str(tmp_path),
                                    "targets": {"together": {"roles": {"alternate": False}}}}, None)
    p = all_profiles(settings)["together"]
    assert p.roles.alternate is False and p.roles.source == ["config"] and p.roles.system == "first"


@pytest.mark.parametrize("table,expected", [
    ({"target": ["nope"]}, "unknown target 'nope'"),
    ({"targets": {"x": {"extends": "nope"}}}, "targets.x.extends: no shipped target 'nope'"),
    ({"targets": {"x": {"extends": "trl", "max-tokens": 0}}}, "max-tokens: a positive integer"),
    ({"targets": {"x": {"extends": "trl", "tokenizer": "./missing.json"}}}, "neither a tokenizer name"),
    ({"targets": {"x": {"extends": "trl", "roles": {"alternate": "sometimes"}}}}, "key 'roles.alternate'"),
    ({"targets": {"x": {"extends": "trl", "model": "gpt-9"}}}, "'gpt-9' is not a model of x"),
])
def test_bad_user_targets_are_config_errors(tmp_path, table, expected):
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        settings_from_table({**table, "root": str(tmp_path)}, None)


def test_model_registry_is_read_from_the_profiles():
    assert model_info("gpt-4o-mini").limit == 65536 and model_info("gpt-4o-mini").provider == "openai"
    info = find_model("together:meta-llama/Llama-3.3-70B-Instruct")
    assert info.limit == 24576 and info.encoding == "llama3"
    assert find_model("axolotl:llama-3.1-8b").name == "llama-3.1-8b"
    assert find_model("together:nope") is None and find_model("nope:x") is None
    settings = settings_from_table({"model": "together:Qwen/Qwen3-8B"}, None)
    assert settings.model == "together:Qwen/Qwen3-8B"


def test_model_choice_per_target():
    settings = settings_from_table({"target": ["azure-openai", "together"], "model": "gpt-4.1-nano"}, None)
    assert resolve_target("azure-openai", settings).limit == 32768  # the user's OpenAI model, on Azure
    assert resolve_target("together", settings).model.name == "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
    trl = resolve_target("trl", settings_from_table({"model": "mistral-7b-v0.3"}, None))
    assert trl.tokenizer == "mistral-v3" and trl.limit == 1024  # TRL's max_length caps the model's context


def test_every_profile_file_is_in_the_package_data():
    import tomllib

    from helpers import REPO

    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "targets/profiles/*.yaml" in data["tool"]["setuptools"]["package-data"]["jsonl_lint"]
    assert len(profile_names()) == len(EXPECTED)
