"""Deterministic generator of the shipped extraction data (complaint text -> name, address, email, question).

Senders' names, addresses and emails come from Faker (zh_CN and en_US, seeded; Faker is pinned in
pyproject because its word lists define the output); complaints from the templates below. Each split has
three tiers, one row in three each, alternating languages:

- clean: the tutorial's layout, `name：address，邮箱 email。complaint` / `name, address, email x. complaint`.
- noisy: fields missing (gold null), shuffled order, varied labels, mixed full/half-width punctuation,
  an extra phone number, a third party's email inside the complaint, full-width or capitalised emails.
- adversarial: the complaint names another person and place (distractors for name and address).

Gold values are verbatim substrings of the text (checked here). Regenerate and check the shipped files:

    python -m harness.benchmarks.extraction_data --out benchmarks/extraction [--check]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from faker import Faker

FIELDS = ("name", "address", "email", "question")
TIERS = ("clean", "noisy", "adversarial")
LANGS = ("zh", "en")
SPLITS = {"test": (150, 20250601), "train": (300, 20250602)}  # rows, seed
CHECKSUMS_FILE = "SHA256SUMS"

COMPLAINTS = {
    "zh": [
        "小区垃圾堆积成山，物业一直不处理，请问应该向哪个部门投诉？",
        "楼下饭店每天油烟直排，窗户都不敢开，能不能派人来查一下？",
        "我在{company}买的冰箱用了{days}天就坏了，商家拒绝退换，我该怎么办？",
        "快递显示已签收但我根本没收到包裹，客服一直推脱，请帮忙处理。",
        "小区电梯已经停运{days}天，老人上下楼非常困难，什么时候能修好？",
        "{company}扣了我{amount}元服务费却没有提供任何服务，怎么维权？",
        "附近工地晚上十一点还在施工，噪音太大影响休息，请问可以投诉吗？",
        "自来水连续{days}天发黄有异味，请尽快检测水质。",
        "房东拒绝退还{amount}元押金，合同写得清清楚楚，我该找谁？",
        "路灯坏了很久没人修，晚上回家很不安全，希望尽快解决。",
        "健身房突然关门，卡里还剩{amount}元，老板联系不上，怎么办？",
        "网购的手机是翻新机，{company}不承认，请问如何投诉？",
    ],
    "en": [
        "The landlord has ignored the broken heating for {days} days. Who can I complain to?",
        "I was charged {amount} dollars twice by {company} and they refuse a refund. What can I do?",
        "My parcel shows as delivered but never arrived. Can you help me get it resolved?",
        "The construction site next door works past midnight. Is this allowed?",
        "The tap water has been brown for {days} days. Please test the water quality.",
        "{company} cancelled my flight without notice and offers no compensation. How do I file a claim?",
        "Rubbish has not been collected on our street for {days} days. When will it be picked up?",
        "The gym closed suddenly and kept my {amount} dollar membership fee. How can I get it back?",
        "The street lights on my road have been out for weeks. Please send someone to fix them.",
        "My new laptop from {company} stopped working after {days} days and the shop refuses to repair it.",
        "A restaurant below my flat vents smoke into our windows every evening. Can this be inspected?",
        "My landlord kept my {amount} dollar deposit without reason. Who should I contact?",
    ],
}
# Adversarial complaints mention a different person and place: neither is the sender's name or address.
DISTRACTOR_COMPLAINTS = {
    "zh": [
        "我邻居{other_name}家的狗每天夜里叫，他家在{other_place}，物业说管不了，请问怎么办？",
        "上周我替{other_name}去{other_place}的营业厅办业务，被多收了{amount}元，能退吗？",
        "{other_name}在{other_place}开的店卖过期食品，我买到后肚子疼了{days}天，请调查。",
        "我寄给{other_name}的包裹被送到了{other_place}，快递公司不认账，怎么投诉？",
        "{other_place}的{company}客服{other_name}态度恶劣，还挂我电话，希望严肃处理。",
        "我母亲{other_name}住在{other_place}，小区断水{days}天了，谁来负责？",
    ],
    "en": [
        "My neighbour {other_name} in {other_place} plays loud music every night. What can I do?",
        "I bought a ticket for {other_name} at the {other_place} office and was overcharged {amount} dollars.",
        "{other_name} from {company} in {other_place} promised a refund {days} days ago and never paid.",
        "A parcel I sent to {other_name} in {other_place} was lost. The courier denies responsibility.",
        "The manager {other_name} at the {other_place} branch was rude and refused my complaint.",
        "My mother {other_name} lives in {other_place} and has had no water for {days} days. Who is responsible?",
    ],
}
LABELS = {
    "zh": {"name": ["", "姓名{c}", "联系人{c}", "投诉人{c}", "我是"], "address": ["", "地址{c}", "住址{c}", "家住"],
           "email": ["邮箱 ", "邮箱{c}", "电子邮件{c}", "E-mail{c}", "email{c}"], "phone": ["电话 ", "手机{c}", "联系电话{c}"],
           "question": ["", "问题{c}", "投诉内容{c}"]},
    "en": {"name": ["", "Name: ", "From: ", "Contact: "], "address": ["", "Address: ", "Addr.: ", "I live at "],
           "email": ["email ", "Email: ", "E-mail: ", "mail: "], "phone": ["phone ", "Tel: ", "Mobile: "],
           "question": ["", "Issue: ", "Complaint: "]},
}
THIRD_PARTY_EMAIL = {"zh": "我已发邮件到{email}但没人回复。", "en": " I already wrote to {email} with no reply."}


@dataclass(frozen=True)
class Row:
    text: str
    fields: dict[str, str | None]
    tier: str
    lang: str

    def to_json(self) -> str:
        return json.dumps({"text": self.text, "fields": self.fields, "tier": self.tier, "lang": self.lang},
                          ensure_ascii=False)


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.fakers = {"zh": Faker("zh_CN"), "en": Faker("en_US")}
        for offset, faker in enumerate(self.fakers.values()):
            faker.seed_instance(seed + offset)

    def row(self, tier: str, lang: str) -> Row:
        fake = self.fakers[lang]
        name, address, email = fake.name(), fake.address().replace("\n", ", "), fake.email()
        question = self._complaint(lang, tier)
        if tier == "clean":
            text = f"{name}：{address}，邮箱 {email}。{question}" if lang == "zh" else \
                f"{name}, {address}, email {email}. {question}"
            return _checked(Row(text, {"name": name, "address": address, "email": email, "question": question},
                                tier, lang))
        if tier == "noisy":
            return self._noisy(lang, name, address, email, question)
        return self._adversarial(lang, name, address, email, question)

    def _complaint(self, lang: str, tier: str) -> str:
        fake, rng = self.fakers[lang], self.rng
        template = rng.choice(DISTRACTOR_COMPLAINTS[lang] if tier == "adversarial" else COMPLAINTS[lang])
        place = fake.city() + fake.street_name() if lang == "zh" else fake.city()
        return template.format(company=fake.company(), days=rng.randint(2, 60), amount=rng.choice([80, 200, 500, 1200]),
                               other_name=fake.name(), other_place=place)

    def _noisy(self, lang: str, name: str, address: str, email: str, question: str) -> Row:
        rng = self.rng
        if rng.random() < 0.3:
            email = _full_width(email) if lang == "zh" else email[0].upper() + email[1:]
        values: dict[str, str | None] = {"name": name, "address": address, "email": email}
        for dropped in rng.sample(list(values), k=rng.choice([0, 1, 1, 2])):
            values[dropped] = None
        if rng.random() < 0.5:
            other = f"{self.fakers[lang].user_name()}@{rng.choice(['example.com', 'example.net', 'example.org'])}"
            question = question + THIRD_PARTY_EMAIL[lang].format(email=other)
        colon, comma, stop = (rng.choice(["：", ":"]), rng.choice(["，", ","]), rng.choice(["。", "."])) \
            if lang == "zh" else (":", ",", ".")
        parts = [self._labelled(lang, f, v, colon) for f, v in values.items() if v is not None]
        parts.append(self._labelled(lang, "phone", self.fakers[lang].phone_number(), colon))
        rng.shuffle(parts)
        head = (comma if lang == "zh" else ", ").join(parts)
        text = f"{head}{stop}{'' if lang == 'zh' else ' '}{self._labelled(lang, 'question', question, colon)}"
        return _checked(Row(text, {**values, "question": question}, "noisy", lang))

    def _adversarial(self, lang: str, name: str, address: str, email: str, question: str) -> Row:
        fields = {"name": name, "address": address, "email": email, "question": question}
        if lang == "zh":
            sender = f"{name}，{address}，邮箱 {email}"
            text = f"{sender}。{question}" if self.rng.random() < 0.5 else f"{question}投诉人：{sender}。"
        else:
            sender = f"{name}, {address}, email {email}"
            text = f"{sender}. {question}" if self.rng.random() < 0.5 else f"{question} Sent by {sender}."
        return _checked(Row(text, fields, "adversarial", lang))

    def _labelled(self, lang: str, field: str, value: str, colon: str) -> str:
        return self.rng.choice(LABELS[lang][field]).format(c=colon) + value


def generate(split: str) -> list[Row]:
    """The rows of one split, identical on every run with the pinned Faker version."""
    n, seed = SPLITS[split]
    generator = _Generator(seed)
    return [generator.row(TIERS[i % len(TIERS)], LANGS[(i // len(TIERS)) % len(LANGS)]) for i in range(n)]


def render(rows: list[Row]) -> bytes:
    return "".join(row.to_json() + "\n" for row in rows).encode("utf-8")


def write(out: Path) -> dict[str, str]:
    """Write `<split>.jsonl` for every split plus SHA256SUMS; returns file name -> sha256."""
    out.mkdir(parents=True, exist_ok=True)
    sums = {}
    for split in SPLITS:
        data = render(generate(split))
        (out / f"{split}.jsonl").write_bytes(data)
        sums[f"{split}.jsonl"] = hashlib.sha256(data).hexdigest()
    (out / CHECKSUMS_FILE).write_text("".join(f"{h}  {name}\n" for name, h in sums.items()))
    return sums


def check(out: Path) -> list[str]:
    """Files under `out` that differ from a fresh generation (empty: byte-identical)."""
    return [f"{split}.jsonl" for split in SPLITS
            if not (out / f"{split}.jsonl").is_file() or (out / f"{split}.jsonl").read_bytes() != render(generate(split))]


def _checked(row: Row) -> Row:
    for name, value in row.fields.items():
        if value is not None and value not in row.text:
            raise AssertionError(f"generator bug: gold {name} {value!r} is not in the text {row.text!r}")
    return row


def _full_width(text: str) -> str:
    """ASCII letters, digits and symbols as their full-width forms (NFKC maps them back)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for test.jsonl, train.jsonl, SHA256SUMS")
    parser.add_argument("--check", action="store_true", help="only compare the files there with a fresh generation")
    args = parser.parse_args(argv)
    if args.check:
        differ = check(args.out)
        print(f"differs from a fresh generation: {', '.join(differ)}" if differ else "identical")
        return 1 if differ else 0
    for name, digest in write(args.out).items():
        print(f"{digest}  {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
