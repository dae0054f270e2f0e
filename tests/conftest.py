"""Shared fixtures: a tiny random chat model (built in-process, no hub) and a small Spider-layout dataset."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_tiny_model(path: Path) -> Path:
    """A 2-layer Llama (hidden 64) and a byte-level BPE trained on a few SQL/English lines, ChatML template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
    import torch

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    corpus = ["SELECT name FROM singer WHERE age > 30 ORDER BY name", "How many singers are there?",
              "system user assistant Schema Question", "COUNT(*) GROUP BY HAVING JOIN ON", "{\"name\": \"x\"}"] * 20
    bpe.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=400, special_tokens=specials,
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|im_start|>", eos_token="<|im_end|>",
                                        pad_token="<|endoftext|>", unk_token="<|endoftext|>")
    tokenizer.chat_template = CHATML
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id, tie_word_embeddings=True)
    model = LlamaForCausalLM(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(autouse=True, scope="session")
def own_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """The suite never reads or writes the user's ~/.cache/harness (gold results, built mini datasets, audits): one
    cache folder for the session; a test that needs an empty one sets its own HARNESS_CACHE_DIR."""
    patch = pytest.MonkeyPatch()
    patch.setenv("HARNESS_CACHE_DIR", str(tmp_path_factory.mktemp("harness-cache")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


def build_tiny_spider(root: Path) -> Path:
    """Spider layout with two databases (one with two .sqlite files, test-suite style) and six questions."""
    singer = root / "database" / "concert"
    singer.mkdir(parents=True)
    for name, extra in (("concert.sqlite", []), ("concert_alt.sqlite", [(5, "Eve", 41, "FR")])):
        con = sqlite3.connect(singer / name)
        con.executescript(
            "CREATE TABLE country (code TEXT PRIMARY KEY, name TEXT);"
            "CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, age INTEGER, country TEXT REFERENCES country(code));"
            "INSERT INTO country VALUES ('FR','France'),('US','United States');"
            "INSERT INTO singer VALUES (1,'Ann',30,'FR'),(2,'Bob',45,'US'),(3,'Cid',45,'US'),(4,'Dee',22,'FR');")
        con.executemany("INSERT INTO singer VALUES (?,?,?,?)", extra)
        con.commit()
        con.close()
    shop = root / "database" / "shop"
    shop.mkdir(parents=True)
    con = sqlite3.connect(shop / "shop.sqlite")
    con.executescript("CREATE TABLE item (id INTEGER PRIMARY KEY, title TEXT, price REAL);"
                      "INSERT INTO item VALUES (1,'pen',1.5),(2,'book',12.0),(3,'lamp',30.25);")
    con.commit()
    con.close()
    dev = [
        {"db_id": "concert", "question": "How many singers are there?", "query": "SELECT count(*) FROM singer"},
        {"db_id": "concert", "question": "Names of singers older than 40, by name.",
         "query": "SELECT name FROM singer WHERE age > 40 ORDER BY name"},
        {"db_id": "concert", "question": "Average age per country.",
         "query": "SELECT country, avg(age) FROM singer GROUP BY country"},
        {"db_id": "shop", "question": "Titles of items cheaper than 20.", "query": "SELECT title FROM item WHERE price < 20"},
        {"db_id": "shop", "question": "Most expensive item.", "query": "SELECT title FROM `item` ORDER BY price DESC LIMIT 1"},
        {"db_id": "shop", "question": "Total price of all items.", "query": "SELECT sum(price) FROM item"},
    ]
    (root / "dev.json").write_text(json.dumps(dev, indent=1))
    (root / "train_spider.json").write_text(json.dumps(dev[:3], indent=1))
    return root


@pytest.fixture
def tiny_spider(tmp_path: Path) -> Path:
    return build_tiny_spider(tmp_path / "spider")
