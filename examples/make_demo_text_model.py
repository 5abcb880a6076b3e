#!/usr/bin/python3
"""Trains the demo's text model: tells a receipt's text from a report's, from the words OCR reads.

Usage: make_demo_text_model.py DATA_FOLDER. Writes DATA_FOLDER/models/tokenizer.json (a Hugging Face
tokenizer.json: lowercase, split into words and punctuation, one id per known word, [CLS] ... [SEP]),
receipt_or_report.pt (TorchScript: word embeddings averaged over the attention mask, then a linear
layer; forward(input_ids, attention_mask) as Hugging Face exports name them) and text_labels.txt.
Trains in a second on texts made like the demo's pages (make_demo_model.py's receipt_lines and
report_lines), with words dropped and misspelt as OCR might. Deterministic: fixed seeds, one thread.
Run with Debian's /usr/bin/python3 (torch).
"""
import json
import os
import random
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_demo_model import ITEMS, WORDS, receipt_lines, report_lines  # noqa: E402

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
LABELS = ["receipt", "report"]


def words(text):
    """What the tokenizer.json below makes of a text: Lowercase, then the Whitespace pre-tokenizer."""
    return re.findall(r"\w+|[^\w\s]+", text.lower())


def tokenizer_json(vocabulary):
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": i, "content": token, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, token in enumerate(SPECIALS)],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
        "decoder": None,
        "model": {"type": "WordLevel", "unk_token": "[UNK]", "vocab": vocabulary},
    }


class TextClassifier(torch.nn.Module):
    def __init__(self, vocabulary_size):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary_size, 16)
        self.classify = torch.nn.Linear(16, len(LABELS))

    def forward(self, input_ids, attention_mask):
        mask = attention_mask.unsqueeze(-1).to(torch.float32)
        pooled = (self.embedding(input_ids) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.classify(pooled)


def noisy(text, rng):
    """Drops and misspells a few words, as OCR might."""
    out = []
    for word in text.split():
        if rng.random() < 0.1:
            continue
        if rng.random() < 0.1 and len(word) > 3:
            position = rng.randrange(len(word))
            word = word[:position] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[position + 1:]
        out.append(word)
    return " ".join(out)


def main():
    models = os.path.join(sys.argv[1], "models")
    os.makedirs(models, exist_ok=True)
    torch.manual_seed(7)
    torch.set_num_threads(1)
    rng = random.Random(7)
    known = sorted(set(WORDS + ITEMS + ["receipt", "total"] + [str(n) for n in range(100)] + ["."]))
    vocabulary = {token: i for i, token in enumerate(SPECIALS + known)}
    with open(os.path.join(models, "tokenizer.json"), "w") as out:
        json.dump(tokenizer_json(vocabulary), out, indent=1)
    with open(os.path.join(models, "text_labels.txt"), "w") as out:
        out.write("\n".join(LABELS) + "\n")

    def encode(text):
        return [2] + [vocabulary.get(word, 1) for word in words(text)] + [3]

    examples = []
    for index in range(400):
        label = index % 2
        lines = receipt_lines(rng, 100 + index) if label == 0 else report_lines(rng)
        examples.append((encode(noisy(" ".join(lines), rng)), label))
    model = TextClassifier(len(vocabulary))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for step in range(60):
        batch = rng.sample(examples, 32)
        length = max(len(ids) for ids, _ in batch)
        input_ids = torch.tensor([ids + [0] * (length - len(ids)) for ids, _ in batch])
        attention_mask = torch.tensor([[1] * len(ids) + [0] * (length - len(ids)) for ids, _ in batch])
        loss = torch.nn.functional.cross_entropy(model(input_ids, attention_mask), torch.tensor([y for _, y in batch]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    torch.jit.script(model).save(os.path.join(models, "receipt_or_report.pt"))


if __name__ == "__main__":
    main()
