#!/usr/bin/python3
"""make_text_bench_model.py TOKENIZER_JSON OUT_FOLDER — a MiniLM-shaped sentence encoder for the text
embedding benchmark (bench/text_embedding_bench.sh): BERT with 6 layers, hidden 384, 12 heads,
intermediate 1536 (all-MiniLM-L6-v2's shape), random weights (fixed seed), the vocabulary size of the
given tokenizer.json; inputs input_ids, attention_mask, token_type_ids; output last_hidden_state
[N, T, 384]. Writes OUT_FOLDER/minilm.onnx (opset 14, dynamic batch and sequence) and minilm.pt
(TorchScript, traced). Run with Debian's /usr/bin/python3 (torch).
"""
import json
import math
import os
import sys

import torch


class Layer(torch.nn.Module):
    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.heads = heads
        self.qkv = torch.nn.Linear(hidden, 3 * hidden)
        self.out = torch.nn.Linear(hidden, hidden)
        self.norm1 = torch.nn.LayerNorm(hidden, eps=1e-12)
        self.up = torch.nn.Linear(hidden, intermediate)
        self.down = torch.nn.Linear(intermediate, hidden)
        self.norm2 = torch.nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, bias):
        n, t, h = x.shape
        q, k, v = self.qkv(x).view(n, t, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + bias
        attended = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(n, t, h)
        x = self.norm1(x + self.out(attended))
        return self.norm2(x + self.down(torch.nn.functional.gelu(self.up(x))))


class MiniLM(torch.nn.Module):
    def __init__(self, vocabulary, hidden=384, layers=6, heads=12, intermediate=1536):
        super().__init__()
        self.tokens = torch.nn.Embedding(vocabulary, hidden)
        self.positions = torch.nn.Embedding(512, hidden)
        self.types = torch.nn.Embedding(2, hidden)
        self.norm = torch.nn.LayerNorm(hidden, eps=1e-12)
        self.layers = torch.nn.ModuleList([Layer(hidden, heads, intermediate) for _ in range(layers)])

    def forward(self, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.norm(self.tokens(input_ids) + self.positions(positions) + self.types(token_type_ids))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return x


def main():
    tokenizer, folder = sys.argv[1], sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    with open(tokenizer) as f:
        description = json.load(f)
    vocabulary = len(description["model"]["vocab"]) + len(description.get("added_tokens") or [])
    torch.manual_seed(1)
    model = MiniLM(vocabulary).eval()
    example = (torch.tensor([[2, 5, 6, 3]]), torch.ones(1, 4, dtype=torch.long), torch.zeros(1, 4, dtype=torch.long))
    with torch.no_grad():
        torch.jit.trace(model, example).save(os.path.join(folder, "minilm.pt"))
        axes = {"input_ids": {0: "n", 1: "t"}, "attention_mask": {0: "n", 1: "t"}, "token_type_ids": {0: "n", 1: "t"},
                "last_hidden_state": {0: "n", 1: "t"}}
        torch.onnx.export(model, example, os.path.join(folder, "minilm.onnx"), opset_version=14,
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"], dynamic_axes=axes)


if __name__ == "__main__":
    main()
